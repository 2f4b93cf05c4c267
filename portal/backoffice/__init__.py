"""The seller's back office: its inbox of what customers did (new orders, complaints, messages),
the mail that tells it of each, and its page of a customer's order. Others call
`portal.backoffice.inbox` (`notify`, `announce_notifications`); this front stays empty so that
Piccolo's app registry can load the tables without the domain."""
