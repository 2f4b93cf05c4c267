"""Which products a company may see: the SQL condition every catalog query is built on.

A company sees every product that is not discontinued, unless it has include rules (then only
what some include rule matches); an exclude rule always wins. A category rule covers its whole
subtree. The condition expects the product as `p` in the query; its category is looked up only
when the company has rules at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from piccolo.columns import Column
from piccolo.querystring import QueryString
from piccolo.table import Table

from portal.catalog.tables import AssortmentEffect, AssortmentRule, Category, Product, ProductGroup, ProductStatus
from portal.errors import Invalid
from portal.i18n import gettext as _

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


@dataclass(frozen=True)
class RuleByCode:
    """An assortment rule as the seller's ERP names it: its effect and exactly one of a category
    code, a product group code or a SKU."""

    effect: AssortmentEffect
    category: str | None = None
    product_group: str | None = None
    sku: str | None = None


async def replace_assortment(company_id: int, rules: Sequence[RuleByCode]) -> bool:
    """The company's rules become `rules` (none: the whole catalog); answers whether they
    changed. Invalid before anything is written, naming `<index>/<field>` of each rule that
    names no target or an unknown code. Nothing caches what a company sees: every catalog query
    asks `visible_to`, so the next page shows the new assortment."""
    errors: dict[str, str] = {}
    for index, rule in enumerate(rules):
        if sum(code is not None for code in (rule.category, rule.product_group, rule.sku)) != 1:
            errors[str(index)] = _("A rule names exactly one of a category, a product group or a SKU.")
    if errors:
        raise Invalid(errors)
    categories = await _ids_by_code(Category, Category.code, {rule.category for rule in rules})
    groups = await _ids_by_code(ProductGroup, ProductGroup.code, {rule.product_group for rule in rules})
    products = await _ids_by_code(Product, Product.sku, {rule.sku for rule in rules})
    wanted: set[tuple[str, int | None, int | None, int | None]] = set()
    for index, rule in enumerate(rules):
        if rule.category is not None and rule.category not in categories:
            errors[f"{index}/category"] = _("No category has the code %(code)s.") % {"code": rule.category}
        elif rule.product_group is not None and rule.product_group not in groups:
            errors[f"{index}/product_group"] = _("No product group has the code %(code)s.") % {
                "code": rule.product_group
            }
        elif rule.sku is not None and rule.sku not in products:
            errors[f"{index}/sku"] = _("No product has the SKU %(sku)s.") % {"sku": rule.sku}
        else:
            wanted.add(
                (
                    rule.effect.value,
                    categories.get(rule.category or ""),
                    groups.get(rule.product_group or ""),
                    products.get(rule.sku or ""),
                )
            )
    if errors:
        raise Invalid(errors)
    current = [
        (row["effect"], row["category"], row["product_group"], row["product"])
        for row in await AssortmentRule.select(
            AssortmentRule.effect, AssortmentRule.category, AssortmentRule.product_group, AssortmentRule.product
        ).where(AssortmentRule.company == company_id)
    ]
    if len(current) == len(wanted) and set(current) == wanted:
        return False
    await AssortmentRule.delete().where(AssortmentRule.company == company_id)
    if wanted:
        await AssortmentRule.insert(
            *(
                AssortmentRule(
                    company=company_id, effect=effect, category=category, product_group=group, product=product
                )
                for effect, category, group, product in sorted(wanted, key=str)
            )
        )
    return True


async def _ids_by_code(table: type[Table], code_column: Column, codes: set[str | None]) -> dict[str, int]:
    wanted = sorted(code for code in codes if code is not None)
    if not wanted:
        return {}
    rows = await table.select(code_column.as_alias("code"), table._meta.primary_key.as_alias("id")).where(
        code_column.is_in(wanted)
    )
    return {row["code"]: row["id"] for row in rows}
