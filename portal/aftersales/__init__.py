"""After the order: shipments and their tracking, complaints (reklamacje), conversations with
the seller's back office and the files people attach to them."""
