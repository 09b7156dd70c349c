"""Live calls through the clients openapi-python-client generated from spec/<provider>.yaml.

    python live.py <gooten|bootic|rewix> <dir holding the generated package <provider>_client>

Runs one provider's scenario against the running sandbox (settings from the environment, see .ci/codegen/run),
prints `live calls: N made, M passed` and each failure, and exits non-zero unless every call passed.
"""

from __future__ import annotations

import base64
import datetime
import importlib
import os
import sys
import time
import traceback
from typing import Any, Callable

import httpx


class CheckFailed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def same(actual: object, expected: object, what: str) -> None:
    check(actual == expected, f"{what}: got {actual!r}, expected {expected!r}")


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"environment variable {name} is not set")
    return value


def unique() -> str:
    return f"{int(time.time() * 1000):x}{os.getpid():x}"


class Tally:
    def __init__(self) -> None:
        self.made = 0
        self.passed = 0
        self.failures: list[str] = []

    def call(self, name: str, body: Callable[[], Any]) -> Any:
        """Runs one live call and its checks; a failure is recorded and the scenario goes on if it can."""
        self.made += 1
        try:
            result = body()
        except Exception as error:  # noqa: BLE001 - every failure is reported, none is fatal
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            self.failures.append(f"{name}: {detail}")
            return None
        self.passed += 1
        return result


def required(value: Any, what: str) -> Any:
    check(value is not None, f"{what} is missing (an earlier call failed)")
    return value


# --------------------------------------------------------------------------------------------------------------
# Gooten: list products, pick a SKU, submit an order, read it back.


def gooten(tally: Tally) -> None:
    from gooten_client import Client
    from gooten_client.api.orders import get_order, submit_order
    from gooten_client.api.products import get_product_variants, get_products
    from gooten_client.models import (
        BillingAddress,
        Error,
        Order,
        OrderDetails,
        OrderItem,
        OrderItemImage,
        Payment,
        ProductsResponse,
        ProductVariantsResponse,
        ShipToAddress,
        ShipType,
        SubmitOrderResponse,
    )
    from gooten_client.types import UNSET

    # The recipe id is an apiKey in the query: openapi-python-client's AuthenticatedClient does bearer tokens
    # only, so it goes in as a default query parameter of the httpx client.
    client = Client(base_url=env("GOOTEN_BASE_URL"), httpx_args={"params": {"recipeid": env("GOOTEN_RECIPE_ID")}})
    source_id = f"py-{unique()}"

    def list_products() -> list:
        r = get_products.sync_detailed(client=client, country_code="US")
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, ProductsResponse), f"parsed as {type(r.parsed).__name__}")
        same(r.parsed.had_error, False, "HadError")
        products = r.parsed.products
        check(products is not UNSET and len(products) > 0, "no products")
        for p in products:
            check(isinstance(p.id, int) and isinstance(p.name, str), f"product without Id/Name: {p.to_dict()}")
        return products

    products = tally.call("getProducts", list_products)

    def first_sku() -> str:
        product = next((p for p in required(products, "products") if p.has_available_product_variants), products[0])
        r = get_product_variants.sync_detailed(client=client, country_code="US", product_id=product.id)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, ProductVariantsResponse), f"parsed as {type(r.parsed).__name__}")
        variants = r.parsed.product_variants
        check(variants is not UNSET and len(variants) > 0, f"product {product.id} has no variants")
        check(isinstance(variants[0].sku, str), "variant without Sku")
        return variants[0].sku

    sku = tally.call("getProductVariants", first_sku)

    def order(source: str, quantity: int) -> Order:
        return Order(
            ship_to_address=ShipToAddress(
                first_name="Ada", last_name="Lovelace", line_1="350 5th Ave", city="New York", state="NY",
                country_code="US", postal_code="10118", phone="212-555-0142", email="ada@example.com",
            ),
            billing_address=BillingAddress(first_name="Ada", last_name="Lovelace", postal_code="10118", country_code="US"),
            items=[OrderItem(
                sku=required(sku, "SKU"), quantity=quantity, ship_type=ShipType.STANDARD,
                images=[OrderItemImage(url="https://example.com/art.png", index=0)],
            )],
            payment=Payment(partner_billing_key=env("GOOTEN_BILLING_KEY")),
            source_id=source,
            is_partner_source_id_unique=True,
            is_in_test_mode=True,
        )

    def submit() -> str:
        r = submit_order.sync_detailed(client=client, body=order(source_id, 2))
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, SubmitOrderResponse), f"parsed as {type(r.parsed).__name__}: {r.content!r}")
        same(r.parsed.had_error, False, "HadError")
        check(isinstance(r.parsed.id, str) and r.parsed.id, "no Id")
        return r.parsed.id

    order_id = tally.call("submitOrder", submit)

    def read_back() -> None:
        r = get_order.sync_detailed(client=client, id=required(order_id, "order id"))
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, OrderDetails), f"parsed as {type(r.parsed).__name__}")
        same(r.parsed.id, order_id, "Id")
        same(r.parsed.source_id, source_id, "SourceId")
        same(r.parsed.items[0].sku, sku, "Items[0].Sku")
        same(r.parsed.items[0].quantity, 2, "Items[0].Quantity")

    tally.call("getOrder", read_back)

    def duplicate() -> None:
        r = submit_order.sync_detailed(client=client, body=order(source_id, 1))
        check(400 <= r.status_code < 500, f"status {r.status_code}")
        check(isinstance(r.parsed, Error), f"parsed as {type(r.parsed).__name__}")
        same(r.parsed.had_error, True, "HadError")
        check(any(e.property_name == "Order.SourceId" for e in r.parsed.errors), f"errors {r.parsed.to_dict()}")

    tally.call("submitOrder (same SourceId, unique) is refused", duplicate)


# --------------------------------------------------------------------------------------------------------------
# Bootic: fetch a token (client credentials), create an order, read it back.


def bootic(tally: Tally) -> None:
    from bootic_client import AuthenticatedClient
    from bootic_client.api.orders import create_order, get_order
    from bootic_client.models import ContactInput, Error, LineItemInput, Order, OrderCreate, OrderStatus

    shop_id = int(env("BOOTIC_SHOP_ID"))

    def token() -> str:
        # The token endpoint is the security scheme's tokenUrl, not a path of the spec: plain httpx.
        basic = base64.b64encode(f"{env('BOOTIC_CLIENT_ID')}:{env('BOOTIC_CLIENT_SECRET')}".encode()).decode()
        r = httpx.post(
            env("BOOTIC_TOKEN_URL"),
            headers={"Authorization": f"Basic {basic}"},
            data={"grant_type": "client_credentials", "scope": "admin"},
        )
        same(r.status_code, 200, "status")
        body = r.json()
        same(str(body.get("token_type", "")).lower(), "bearer", "token_type")
        check(isinstance(body.get("access_token"), str) and body["access_token"], "no access_token")
        return body["access_token"]

    access_token = tally.call("token (client credentials)", token)
    # HAL's `_embedded` / `_links` / `_class` become `field_embedded` / `field_links` / `field_class` here.
    client = AuthenticatedClient(base_url=env("BOOTIC_BASE_URL"), token=access_token or "")
    email = f"py-{unique()}@example.com"

    def create() -> Order:
        body = OrderCreate(
            line_items=[LineItemInput(variant_id=1233, units=3)],
            contact=ContactInput(email=email, name="Ada Lovelace", phone_number="12322222222"),
        )
        r = create_order.sync_detailed(client=client, shop_id=shop_id, body=body)
        same(r.status_code, 201, "status")
        check(isinstance(r.parsed, Order), f"parsed as {type(r.parsed).__name__}: {r.content!r}")
        order = r.parsed
        same(order.shop_id, shop_id, "shop_id")
        same(order.status, OrderStatus.CHECKOUT, "status")
        check(isinstance(order.total, int) and isinstance(order.net_total, int), "money is not integer minor units")
        line = order.field_embedded.line_items[0]
        same(line.variant_id, 1233, "line variant_id")
        same(line.units, 3, "line units")
        same(line.net_total, line.unit_price * 3, "line net_total = unit_price x units")
        same(order.field_embedded.contact.email, email, "contact email")
        return order

    created = tally.call("createOrder", create)

    def read_back() -> None:
        order = required(created, "created order")
        r = get_order.sync_detailed(client=client, shop_id=shop_id, code=order.code)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, Order), f"parsed as {type(r.parsed).__name__}")
        same(r.parsed.code, order.code, "code")
        same(r.parsed.total, order.total, "total")

    tally.call("getOrder", read_back)

    def unknown_variant() -> None:
        body = OrderCreate(line_items=[LineItemInput(variant_id=999999, units=1)])
        r = create_order.sync_detailed(client=client, shop_id=shop_id, body=body)
        same(r.status_code, 422, "status")
        check(isinstance(r.parsed, Error), f"parsed as {type(r.parsed).__name__}")
        errors = r.parsed.field_embedded.errors
        check(len(errors) > 0 and all(e.field and e.messages for e in errors), f"errors {r.parsed.to_dict()}")

    tally.call("createOrder with an unknown variant is refused (422)", unknown_variant)


# --------------------------------------------------------------------------------------------------------------
# Rewix: reserve stock, send a dropshipping order, look it up by key.


def rewix(tally: Tally) -> None:
    from rewix_client import AuthenticatedClient
    from rewix_client.api.orders import get_orders_by_client_key, send_dropshipping_order
    from rewix_client.api.reservations import get_reservation_status, reserve_stock
    from rewix_client.models import (
        DropshippingOrder,
        DropshippingOrderItem,
        DropshippingOrderRequest,
        DropshippingOrderResponse,
        OrderStatus,
        OrderStatusList,
        RecipientAddress,
        RecipientDetails,
        RecipientPhone,
        Reservation,
        ReservationOperation,
        ReservationOperationModel,
        ReservationOperationType,
        ReservationRequest,
    )

    # HTTP Basic: AuthenticatedClient sends `<prefix> <token>`, so the prefix is "Basic" and the token the
    # base64 of key:password.
    credentials = base64.b64encode(f"{env('REWIX_API_KEY')}:{env('REWIX_PASSWORD')}".encode()).decode()
    client = AuthenticatedClient(base_url=env("REWIX_BASE_URL"), token=credentials, prefix="Basic")
    stock_id = 148367
    key = f"py-{unique()}"

    def reserve() -> None:
        body = ReservationRequest(operations=[ReservationOperation(
            type_=ReservationOperationType.LOCK,
            models=[ReservationOperationModel(stock_id=str(stock_id), quantity="3")],
        )])
        r = reserve_stock.sync_detailed(client=client, body=body)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, Reservation), f"parsed as {type(r.parsed).__name__}: {r.content!r}")
        model = next((m for m in r.parsed.models if m.stock_id == stock_id), None)
        check(model is not None and model.locked >= 3, f"reservation {r.parsed.to_dict()}")

    tally.call("reserveStock", reserve)

    def reservation() -> None:
        r = get_reservation_status.sync_detailed(client=client)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, Reservation), f"parsed as {type(r.parsed).__name__}")
        check(any(m.stock_id == stock_id and m.locked >= 3 for m in r.parsed.models), f"{r.parsed.to_dict()}")

    tally.call("getReservationStatus", reservation)

    def send() -> int:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y/%m/%d %H:%M:%S +0000")
        body = DropshippingOrderRequest(order_list=[DropshippingOrder(
            key=key,
            date=now,
            recipient_details=RecipientDetails(
                recipient="Ada Lovelace",
                address=RecipientAddress(
                    street_name="Roma", address_number="1", zip_="10100", city="TORINO", province="TO",
                    countrycode="IT",
                ),
                phone=RecipientPhone(prefix="+39", number="0112838474"),
            ),
            item_list=[DropshippingOrderItem(stock_id=str(stock_id), quantity="3")],
        )])
        r = send_dropshipping_order.sync_detailed(client=client, body=body)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, DropshippingOrderResponse), f"parsed as {type(r.parsed).__name__}: {r.content!r}")
        check(isinstance(r.parsed.order_id, int) and r.parsed.order_id > 0, f"order_id {r.parsed.order_id!r}")
        return r.parsed.order_id

    order_id = tally.call("sendDropshippingOrder", send)

    def by_key() -> None:
        r = get_orders_by_client_key.sync_detailed(client=client, key=key)
        same(r.status_code, 200, "status")
        check(isinstance(r.parsed, OrderStatusList), f"parsed as {type(r.parsed).__name__}")
        order = r.parsed.orders[0]
        same(order.order_id, required(order_id, "order id"), "order_id")
        same(order.ext_ref, key, "ext_ref")
        check(isinstance(order.status, OrderStatus), f"status {order.status!r}")

    tally.call("getOrdersByClientKey", by_key)

    def wrong_password() -> None:
        bad = base64.b64encode(f"{env('REWIX_API_KEY')}:wrong".encode()).decode()
        r = get_reservation_status.sync_detailed(
            client=AuthenticatedClient(base_url=env("REWIX_BASE_URL"), token=bad, prefix="Basic")
        )
        same(r.status_code, 401, "status")
        check(isinstance(r.parsed, str), f"parsed as {type(r.parsed).__name__}")

    tally.call("getReservationStatus with a wrong password is refused (401)", wrong_password)


SCENARIOS = {"gooten": gooten, "bootic": bootic, "rewix": rewix}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        print(f"usage: python live.py <{'|'.join(SCENARIOS)}> <generated packages dir>", file=sys.stderr)
        return 2
    sys.path.insert(0, sys.argv[2])
    importlib.invalidate_caches()
    tally = Tally()
    try:
        SCENARIOS[sys.argv[1]](tally)
    except Exception as error:  # noqa: BLE001
        tally.failures.append(f"scenario aborted: {type(error).__name__}: {error}")
    for failure in tally.failures:
        print(f"  FAILED {failure}")
    print(f"live calls: {tally.made} made, {tally.passed} passed")
    return 0 if tally.made > 0 and tally.passed == tally.made and not tally.failures else 1


if __name__ == "__main__":
    sys.exit(main())
