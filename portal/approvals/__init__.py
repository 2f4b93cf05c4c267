"""Approvals: limits and value levels per company, approval requests and their emailed links."""
