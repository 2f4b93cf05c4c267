"""Quick order: messy pastes and files are read as a person meant them, the report says what
each line will become before anything is added, the valid lines go into the cart in one go, and
the whole check costs the same few statements for ten lines or a thousand."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
from openpyxl import Workbook

from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.catalog import search_text_for
from portal.catalog.tables import AssortmentEffect, AssortmentRule, CustomerPartNumber, Product
from portal.errors import Invalid, NotFound
from portal.i18n import use_locale
from portal.ordering import cart
from portal.ordering.cart import Adjustment
from portal.ordering.quick_order import (
    MAX_LINES,
    LineProblem,
    ParsedLine,
    QuickOrderReport,
    check_lines,
    parse_text,
    parse_upload,
    read_quantity,
)
from portal.ordering.tables import CartLine
from portal.pricing.tables import PriceListEntry
from tests.factories import (
    csrf_token,
    log_in,
    make_category,
    make_company,
    make_person,
    make_price_list,
    make_priced_product,
    make_product,
)
from tests.query_counter import count_queries

HTMX = {"HX-Request": "true"}


# --- Reading: pure functions, no database ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "quantity", "problem"),
    [
        ("10", 10, None),
        ("1 000", 1000, None),
        ("1\u00a0000", 1000, None),  # Polish Excel's thousands separator
        ("10,0", 10, None),
        ("10.00", 10, None),
        ("1.000,00", 1000, None),
        ("2.500.000", None, LineProblem.TOO_LARGE),
        ("100 szt.", 100, None),
        ("1,5", None, LineProblem.NOT_WHOLE),
        ("1,000", None, LineProblem.UNCLEAR),
        ("0", None, LineProblem.NOT_POSITIVE),
        ("-3", None, LineProblem.NOT_POSITIVE),
        ("dużo", None, LineProblem.NOT_A_NUMBER),
        ("", None, LineProblem.MISSING_QUANTITY),
    ],
)
def test_a_quantity_is_read_as_polish_and_english_spreadsheets_write_it(
    written: str, quantity: int | None, problem: LineProblem | None
) -> None:
    assert read_quantity(written) == (quantity, problem)


def _read(lines: list[ParsedLine]) -> list[tuple[int, str, int | str | None]]:
    """(line number, code, the quantity or else the problem) of each line."""
    return [(line.line_number, line.code, line.quantity or line.problem) for line in lines]


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        pytest.param(
            "Indeks\tNazwa\tIlość\tCena\nDIN933-M8X40\tŚruba M8x40\t1 000\t0,28\n\t\t\t\nDIN934-M8\tNakrętka\t10,0\t0,05\n",
            [(2, "DIN933-M8X40", 1000), (4, "DIN934-M8", 10)],
            id="excel-paste-with-polish-headers-and-extra-columns",
        ),
        pytest.param(
            "Nazwa\tSKU\tQty\nBolt\tDIN933-M8X40\t5\n",
            [(2, "DIN933-M8X40", 5)],
            id="english-headers-code-not-first",
        ),
        pytest.param(
            "Kod;Ilość\r\nabc-1;5\r\nabc-2;1,5\r\n",
            [(2, "abc-1", 5), (3, "abc-2", LineProblem.NOT_WHOLE)],
            id="semicolons-and-windows-line-ends",
        ),
        pytest.param(
            "DIN933-M8X40 100\n\nDIN934-M8, 20\n5901234567890,3\nBM-ŚR-0102 1 000 szt\n",
            [(1, "DIN933-M8X40", 100), (3, "DIN934-M8", 20), (4, "5901234567890", 3), (5, "BM-ŚR-0102", 1000)],
            id="typed-by-hand-spaces-and-commas",
        ),
        pytest.param(
            "DIN933-M8X40\tŚruba M8x40\t12\nDIN934-M8\t\n\t7\n",
            [
                (1, "DIN933-M8X40", 12),
                (2, "DIN934-M8", LineProblem.MISSING_QUANTITY),
                (3, "", LineProblem.MISSING_CODE),
            ],
            id="no-header-name-column-skipped-missing-quantity",
        ),
        pytest.param(
            "ABC-1\tItem holder\t5\nABC-2\tSymbol plate\t6\n",
            [(1, "ABC-1", 5), (2, "ABC-2", 6)],
            id="a-first-row-with-a-quantity-is-data-not-a-header",
        ),
        pytest.param(
            "EAN\tIlość\n5901234567890\t4\n",
            [(2, "5901234567890", 4)],
            id="ean-header",
        ),
        pytest.param(
            'Kod\tOpis\tIlość\nABC-1\t"Złączka 1/2""\nmosiężna"\t3\nABC-2\tZłączka 3/4"\t2\n',
            [(2, "ABC-1", 3), (4, "ABC-2", 2)],
            id="excel-quotes-a-cell-with-a-line-break",
        ),
    ],
)
def test_pasted_lines_are_read_as_the_person_meant_them(
    pasted: str, expected: list[tuple[int, str, int | str | None]]
) -> None:
    assert _read(parse_text(pasted)) == expected


def test_more_than_five_thousand_lines_are_refused() -> None:
    with use_locale("en"), pytest.raises(Invalid, match="more than 5,000 lines"):
        parse_text("\n".join(f"SKU-{number} 1" for number in range(MAX_LINES + 1)))
    assert len(parse_text("\n".join(f"SKU-{number} 1" for number in range(MAX_LINES)))) == MAX_LINES


def _workbook(*rows: tuple[object, ...]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_upload_is_read_from_its_first_sheet_with_numbers_as_excel_stores_them() -> None:
    content = _workbook(
        ("Lp.", "Indeks", "Nazwa", "Ilość"),
        (1, "DIN933-M8X40", "Śruba", 100),
        (2, 5901234567890, "Nakrętka", 10.0),  # an EAN typed into a number cell
        (None, None, None, None),
        (3, "BM-ŚR-0102", "Podkładka", 1.5),
    )
    assert _read(parse_upload("zamówienie.xlsx", content)) == [
        (2, "DIN933-M8X40", 100),
        (3, "5901234567890", 10),
        (5, "BM-ŚR-0102", LineProblem.NOT_WHOLE),
    ]


@pytest.mark.parametrize("encoding", ["cp1250", "utf-8-sig", "utf-8"])
def test_a_csv_upload_is_read_in_the_encodings_polish_excel_writes(encoding: str) -> None:
    content = "Kod;Nazwa;Ilość\r\nBM-ŚR-0102;Śruba zamkowa;1 000\r\nDIN934-M8;Nakrętka;25\r\n".encode(encoding)
    assert _read(parse_upload("lista.csv", content)) == [(2, "BM-ŚR-0102", 1000), (3, "DIN934-M8", 25)]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("lista.pdf", b"%PDF-1.7 ...", "not a CSV or XLSX"),
        ("lista.csv", b"\x00\x01\x02binary", "not a CSV or XLSX"),
        ("lista.xlsx", b"this is not a zip", "could not be read"),
        ("lista.xls", b"\xd0\xcf\x11\xe0", "XLS"),
        ("lista.csv", b"A 1\n" * (1024 * 1024), "2 MB"),
    ],
)
def test_a_file_that_cannot_be_an_order_list_is_refused_with_a_reason(
    filename: str, content: bytes, message: str
) -> None:
    with use_locale("en"), pytest.raises(Invalid, match=message):
        parse_upload(filename, content)


# --- Checking against the catalog -------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    """One buyer's world: products with codes, rules and prices that the reports speak of."""

    buyer: Scope
    bolt: int  # DIN933-M8X40, EAN 5901234567890, the buyer's own code BM-ŚR-0102, 0.30 zł
    screws: int  # SCREW-100: from 100, in hundreds, 0.20 zł
    hidden: int  # SECRET-1: excluded from the buyer's assortment
    unpriced: int  # NOPRICE-1: no price list has it


@pytest.fixture
async def shop(db: None) -> Shop:
    bolt = await make_priced_product("0.3000", "Hex bolt M8x40", sku="DIN933-M8X40", ean="5901234567890")
    screws = await make_priced_product(
        "0.2000", "Wood screw", sku="SCREW-100", order_multiple=100, min_order_quantity=100
    )
    hidden = await make_priced_product("9.99", "Secret prototype drill", sku="SECRET-1")
    unpriced = await make_product("Special order pump", sku="NOPRICE-1")
    company = await make_company()
    buyer = await (await make_person(company, Role.BUYER)).scope()
    await CustomerPartNumber.insert(
        CustomerPartNumber(company=company, product=bolt, code="BM-ŚR-0102", code_search="bm-śr-0102")
    )
    await AssortmentRule.insert(AssortmentRule(company=company, effect=AssortmentEffect.EXCLUDE, product=hidden))
    return Shop(buyer, bolt, screws, hidden, unpriced)


def _outcome(report: QuickOrderReport) -> list[tuple[int, str, str | None, int | None, str | None]]:
    """Per line: number, status, SKU shown, quantity to add, and the problem or the adjustment."""
    return [
        (
            line.line_number,
            line.status.value,
            line.product.sku if line.product else None,
            line.order.quantity if line.order else None,
            (line.problem or (line.order.adjustment if line.order else None) or None),
        )
        for line in report.lines
    ]


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        pytest.param(
            "Indeks\tNazwa\tIlość\nDIN933-M8X40\tŚruba\t10\n\nSCREW-100\tWkręt\t250\n",
            [(2, "ready", "DIN933-M8X40", 10, None), (4, "ready", "SCREW-100", 300, Adjustment.ROUNDED_TO_MULTIPLE)],
            id="excel-paste-rounded-to-the-multiple",
        ),
        pytest.param(
            "SKU;Qty\ndin933-m8x40;5\nscrew-100;30\n",
            [(2, "ready", "DIN933-M8X40", 5, None), (3, "ready", "SCREW-100", 100, Adjustment.RAISED_TO_MINIMUM)],
            id="lower-case-sku-raised-to-the-minimum",
        ),
        pytest.param(
            "5901234567890 4\nbm-śr-0102 6\nDIN933-M8X40 1 000\n",
            [
                (1, "ready", "DIN933-M8X40", 1010, None),
                (2, "merged", "DIN933-M8X40", None, None),
                (3, "merged", "DIN933-M8X40", None, None),
            ],
            id="ean-own-code-and-sku-of-one-product-summed",
        ),
        pytest.param(
            "SCREW-100 70\nSCREW-100 70\n",
            [(1, "ready", "SCREW-100", 200, Adjustment.ROUNDED_TO_MULTIPLE), (2, "merged", "SCREW-100", None, None)],
            id="duplicates-summed-before-rounding",
        ),
        pytest.param(
            "NO-SUCH-CODE 5\nSECRET-1 5\nNOPRICE-1 5\n",
            [
                (1, "unknown_code", None, None, None),
                (2, "not_available", None, None, None),
                (3, "no_price", "NOPRICE-1", 5, None),
            ],
            id="unknown-outside-the-assortment-and-without-a-price",
        ),
        pytest.param(
            "DIN933-M8X40 1,5\nDIN933-M8X40 0\nDIN933-M8X40\nNO-SUCH-CODE lots\n\t5\n",
            [
                (1, "bad_quantity", "DIN933-M8X40", None, LineProblem.NOT_WHOLE),
                (2, "bad_quantity", "DIN933-M8X40", None, LineProblem.NOT_POSITIVE),
                (3, "bad_quantity", "DIN933-M8X40", None, LineProblem.MISSING_QUANTITY),
                (4, "unknown_code", None, None, LineProblem.NOT_A_NUMBER),
                (5, "missing_code", None, None, LineProblem.MISSING_CODE),
            ],
            id="bad-quantities-keep-their-product-but-are-not-added",
        ),
    ],
)
async def test_the_report_says_what_each_line_will_become(
    shop: Shop, pasted: str, expected: list[tuple[int, str, str | None, int | None, str | None]]
) -> None:
    report = await check_lines(shop.buyer, parse_text(pasted))
    assert _outcome(report) == expected
    assert await CartLine.count() == 0


async def test_the_report_prices_each_product_at_its_summed_quantity_and_totals_the_ready_lines(shop: Shop) -> None:
    report = await check_lines(shop.buyer, parse_text("DIN933-M8X40 10\nSCREW-100 250\nNO-SUCH 1\n"))
    assert [line.quote.unit_price for line in report.ready if line.quote] == [Decimal("0.3000"), Decimal("0.2000")]
    assert report.net == Decimal("63.00")  # 10 × 0.30 + 300 × 0.20
    assert (report.included_count, report.attention_count) == (2, 1)
    assert report.cart_lines() == [(shop.bolt, 10), (shop.screws, 250)]


async def test_another_companys_own_part_numbers_never_match(shop: Shop) -> None:
    stranger = await (await make_person(await make_company(), Role.BUYER)).scope()
    report = await check_lines(stranger, parse_text("BM-ŚR-0102 5\n"))
    assert _outcome(report) == [(1, "unknown_code", None, None, None)]


async def test_an_own_part_number_wins_over_another_products_sku(shop: Shop) -> None:
    # The buyer's code for the bolt is another product's SKU: the buyer means the bolt.
    await make_priced_product("1.00", sku="BM-ŚR-0102")
    report = await check_lines(shop.buyer, parse_text("BM-ŚR-0102 5\n"))
    assert [line.product.id for line in report.lines if line.product] == [shop.bolt]


# --- Adding many at once -----------------------------------------------------------------------


async def test_adding_many_rounds_each_product_and_adds_to_lines_already_in_the_cart(shop: Shop) -> None:
    await cart.add_to_cart(shop.buyer, shop.bolt, "5")

    added = await cart.add_many_to_cart(shop.buyer, [(shop.bolt, 10), (shop.screws, 150), (shop.bolt, 1)])

    assert [(a.product_id, a.added.quantity, a.in_cart) for a in added] == [
        (shop.bolt, 11, 16),
        (shop.screws, 200, 200),
    ]
    view = await cart.cart_view(shop.buyer)
    assert sorted((line.product.id, line.quantity) for line in view.lines) == sorted(
        [(shop.bolt, 16), (shop.screws, 200)]
    )


@pytest.mark.parametrize("blocked", ["hidden", "unpriced"])
async def test_adding_many_is_all_or_nothing(shop: Shop, blocked: str) -> None:
    with pytest.raises((NotFound, Invalid)):
        await cart.add_many_to_cart(shop.buyer, [(shop.bolt, 10), (getattr(shop, blocked), 1)])
    assert await CartLine.count() == 0


# --- 1,000 lines -------------------------------------------------------------------------------


async def _catalog(count: int, prefix: str) -> list[str]:
    """`count` priced products; answers their SKUs."""
    category = await make_category(prefix)
    skus = [f"{prefix}-{number:05}" for number in range(count)]
    rows = await Product.insert(
        *(
            Product(
                sku=sku,
                ean=f"59{number:011}",
                name_pl=f"Produkt {sku}",
                name_en=f"Product {sku}",
                category=category,
                search_text=search_text_for(sku, "", f"produkt {sku}", f"product {sku}"),
            )
            for number, sku in enumerate(skus)
        )
    ).returning(Product.id)
    price_list = await make_price_list(is_base=True)
    await PriceListEntry.insert(
        *(
            PriceListEntry(price_list=price_list, product=row["id"], min_quantity=1, unit_price=Decimal("2.50"))
            for row in rows
        )
    )
    return skus


async def test_ten_and_a_thousand_lines_are_checked_and_added_with_the_same_statements(db: None) -> None:
    skus = await _catalog(1000, "BULK")
    buyer = await (await make_person(await make_company(), Role.BUYER)).scope()
    # Codes as people paste them: lower-cased, with unknown ones and a header among them.
    ten = parse_text("SKU\tQty\n" + "\n".join(f"{sku.lower()}\t3" for sku in skus[:9]) + "\nNOPE\t1\n")
    thousand = parse_text("SKU\tQty\n" + "\n".join(f"{sku.lower()}\t3" for sku in skus[:999]) + "\nNOPE\t1\n")

    with count_queries() as checking_ten:
        small = await check_lines(buyer, ten)
    with count_queries() as checking_thousand:
        large = await check_lines(buyer, thousand)
    assert len(large.ready) == 999 and large.attention_count == 1 and len(small.ready) == 9
    assert checking_ten.count == checking_thousand.count, checking_thousand.statements
    assert checking_thousand.count <= 6

    with count_queries() as adding_ten:
        await cart.add_many_to_cart(buyer, small.cart_lines())
    with count_queries() as adding_thousand:
        await cart.add_many_to_cart(buyer, large.cart_lines())
    assert adding_ten.count == adding_thousand.count <= 10, adding_thousand.statements
    assert await CartLine.count() == 999


# --- Over HTTP ---------------------------------------------------------------------------------


async def _logged_in(client: httpx.AsyncClient, shop: Shop) -> str:
    person = await make_person(shop.buyer.company_id or 0, Role.BUYER)
    await log_in(client, person.email)
    return csrf_token((await client.get("/order/quick")).text)


async def test_the_grid_links_to_the_quick_order_page_with_its_form(client: httpx.AsyncClient, shop: Shop) -> None:
    await _logged_in(client, shop)
    assert 'href="/order/quick"' in (await client.get("/order")).text
    page = await client.get("/order/quick")
    assert page.status_code == 200
    assert 'name="lines"' in page.text and 'type="file"' in page.text
    assert 'hx-post="/order/quick/check"' in page.text and 'action="/order/quick/check"' in page.text


async def test_checking_answers_the_report_fragment_and_adds_nothing(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    pasted = "Indeks\tIlość\nDIN933-M8X40\t10\nSCREW-100\t250\nNO-SUCH\t1\nSECRET-1\t1\n"

    response = await client.post("/order/quick/check", data={"lines": pasted, "_csrf_token": token}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text and response.text.lstrip().startswith('<section id="quick-order-report"')
    assert "Hex bolt M8x40" in response.text
    assert "rounded up from 250: sold in multiples of 100" in response.text
    assert "Unknown code" in response.text
    assert "This code is not available to your company." in response.text
    assert "Secret prototype drill" not in response.text  # outside the assortment: no name
    assert "Add 2 products to the cart" in response.text
    assert await CartLine.count() == 0


async def test_without_javascript_checking_answers_the_whole_page_with_the_paste_kept(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    token = await _logged_in(client, shop)
    response = await client.post("/order/quick/check", data={"lines": "DIN933-M8X40 7", "_csrf_token": token})
    assert response.status_code == 200
    assert "<html" in response.text and ">DIN933-M8X40 7</textarea>" in response.text
    assert 'id="quick-line-1"' in response.text


async def test_lines_fixed_in_place_and_removed_are_checked_again(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    response = await client.post(
        "/order/quick/check",
        data={
            "line": ["2", "3", "4"],
            "code": ["DIN933-M8X40", "SCREW-100", "NO-SUCH"],
            "quantity": ["10", "1,5", "1"],
            "remove": "4",
            "_csrf_token": token,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="quick-line-2"' in response.text and 'id="quick-line-3"' in response.text
    assert 'id="quick-line-4"' not in response.text
    assert "The quantity must be a whole number." in response.text


async def test_adding_puts_the_valid_lines_in_the_cart_and_says_how_many(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    response = await client.post(
        "/order/quick/add",
        data={
            "line": ["1", "2", "3", "4"],
            "code": ["DIN933-M8X40", "5901234567890", "SCREW-100", "NO-SUCH"],
            "quantity": ["10", "5", "250", "1"],
            "_csrf_token": token,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/cart"
    cart_page = await client.get("/cart")
    assert "2 lines added to the cart. 1 line with a problem was left out." in cart_page.text
    lines = {row["product"]: row["quantity"] for row in await CartLine.select(CartLine.product, CartLine.quantity)}
    assert lines == {shop.bolt: 15, shop.screws: 300}


async def test_adding_with_htmx_redirects_to_the_cart(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    response = await client.post(
        "/order/quick/add",
        data={"line": ["1"], "code": ["BM-ŚR-0102"], "quantity": ["3"], "_csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/cart"
    assert await CartLine.count() == 1


async def test_adding_when_no_line_is_valid_answers_422_with_the_report(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    response = await client.post(
        "/order/quick/add",
        data={"line": ["1"], "code": ["NO-SUCH"], "quantity": ["3"], "_csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "None of the lines can be added yet" in response.text and 'id="quick-line-1"' in response.text
    assert await CartLine.count() == 0


async def test_an_xlsx_upload_is_checked_like_a_paste(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _logged_in(client, shop)
    content = _workbook(("Indeks", "Ilość"), ("DIN933-M8X40", 12), (5901234567890, 3))
    response = await client.post(
        "/order/quick/check",
        data={"lines": "", "_csrf_token": token},
        files={
            "file": ("zamowienie.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Same product as line 2: added up there." in response.text and ">15 pcs<" in response.text


@pytest.mark.parametrize(
    ("lines", "file", "message"),
    [
        ("", None, "Paste at least one line"),
        ("   \n\t\n", None, "Paste at least one line"),
        ("", ("lista.pdf", b"%PDF-1.7", "application/pdf"), "This file is not a CSV or XLSX file."),
        ("", ("lista.csv", b"A 1\n" * (600 * 1024), "text/csv"), "larger than 2 MB"),
        ("\n".join(f"SKU-{n} 1" for n in range(MAX_LINES + 1)), None, "more than 5"),
    ],
    ids=["empty", "blank", "not-csv-or-xlsx", "over-2-mb", "over-5000-lines"],
)
async def test_bad_input_answers_422_with_a_message_and_changes_nothing(
    client: httpx.AsyncClient, shop: Shop, lines: str, file: tuple[str, bytes, str] | None, message: str
) -> None:
    token = await _logged_in(client, shop)
    for headers in (HTMX, {}):
        response = await client.post(
            "/order/quick/check",
            data={"lines": lines, "_csrf_token": token},
            files={"file": file} if file else {"file": ("", b"", "application/octet-stream")},
            headers=headers,
        )
        assert response.status_code == 422
        assert message in response.text
        assert "Traceback" not in response.text
    assert await CartLine.count() == 0


async def test_only_those_who_fill_a_cart_may_use_quick_order(client: httpx.AsyncClient, shop: Shop) -> None:
    viewer = await make_person(shop.buyer.company_id or 0, Role.VIEWER)
    await log_in(client, viewer.email)
    token = csrf_token((await client.get("/order")).text)
    assert (await client.get("/order/quick")).status_code == 403
    response = await client.post(
        "/order/quick/add", data={"line": ["1"], "code": ["DIN933-M8X40"], "quantity": ["3"], "_csrf_token": token}
    )
    assert response.status_code == 403
    assert await CartLine.count() == 0
