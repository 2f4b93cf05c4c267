"""Pricing: price lists, assignments, contracts, tiers and discounts, resolved in one place."""

from portal.pricing.resolver import AppliedDiscount, DiscountScope, PriceQuote, PriceSource, Tier, resolve_prices

__all__ = ["AppliedDiscount", "DiscountScope", "PriceQuote", "PriceSource", "Tier", "resolve_prices"]
