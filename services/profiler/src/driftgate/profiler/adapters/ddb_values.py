"""Plain Python values ⇄ DynamoDB attribute values, so items stay readable in the console."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef


def to_ddb(value: Any) -> AttributeValueTypeDef:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list | tuple):
        return {"L": [to_ddb(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {str(k): to_ddb(v) for k, v in value.items()}}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def from_ddb(attr: Any) -> Any:
    if "NULL" in attr:
        return None
    if "BOOL" in attr:
        return attr["BOOL"]
    if "N" in attr:
        number = Decimal(attr["N"])
        return (
            int(number)
            if number == number.to_integral_value() and "." not in attr["N"]
            else float(number)
        )
    if "S" in attr:
        return attr["S"]
    if "L" in attr:
        return [from_ddb(v) for v in attr["L"]]
    if "M" in attr:
        return {k: from_ddb(v) for k, v in attr["M"].items()}
    raise TypeError(f"unsupported DynamoDB attribute {sorted(attr)}")


def item_to_dict(item: dict[str, Any]) -> dict[str, Any]:
    return {k: from_ddb(v) for k, v in item.items()}


def dict_to_item(values: dict[str, Any]) -> dict[str, AttributeValueTypeDef]:
    return {k: to_ddb(v) for k, v in values.items() if v is not None}
