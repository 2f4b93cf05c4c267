"""Integration with the seller's ERP and CRM: for now the outbox of events other systems read."""
