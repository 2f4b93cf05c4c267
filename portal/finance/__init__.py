"""Finance: credit limits and balances (from the ERP), later invoices and payments."""
