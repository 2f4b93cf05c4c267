"""Finance: credit limits, balances, invoices, credit notes and payments, all as the ERP sends them."""
