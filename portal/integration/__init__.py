"""Integration with the seller's ERP: the integration API and file imports that load what each
capability declares in its `erp_sync.py` (keyed by the ERP's codes, through one batch protocol),
API keys with scopes, the seller's Integration page, and the outbox of events other systems read;
`samples/` holds a small wholesaler's ERP exports with their mappings."""
