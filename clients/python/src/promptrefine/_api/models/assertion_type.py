from enum import StrEnum


class AssertionType(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"
    ICONTAINS = "icontains"
    IS_JSON = "is_json"
    JSON_FIELD_EQUALS = "json_field_equals"
    REGEX = "regex"
    STARTS_WITH = "starts_with"

    def __str__(self) -> str:
        return str(self.value)
