"""Which products a company may see: the SQL condition every catalog query is built on.

A company sees every product that is not discontinued, unless it has include rules (then only
what some include rule matches); an exclude rule always wins. A category rule covers its whole
subtree. The condition expects the product as `p` in the query; its category is looked up only
when the company has rules at all."""

from __future__ import annotations

from piccolo.querystring import QueryString

from portal.catalog.tables import AssortmentEffect, ProductStatus

_RULE_MATCHES = """
    SELECT 1 FROM assortment_rule r LEFT JOIN category rc ON rc.id = r.category
    WHERE r.company = {} AND r.effect = {}
      AND (r.product = p.id OR r.product_group = p.product_group OR (SELECT path FROM category WHERE id = p.category) LIKE rc.path || '%')
"""


def visible_to(company_id: int) -> QueryString:
    return QueryString(
        "p.status <> {}"
        " AND (NOT EXISTS (SELECT 1 FROM assortment_rule WHERE company = {} AND effect = {})"
        f" OR EXISTS ({_RULE_MATCHES}))"
        f" AND NOT EXISTS ({_RULE_MATCHES})",
        ProductStatus.DISCONTINUED.value,
        company_id,
        AssortmentEffect.INCLUDE.value,
        company_id,
        AssortmentEffect.INCLUDE.value,
        company_id,
        AssortmentEffect.EXCLUDE.value,
    )
