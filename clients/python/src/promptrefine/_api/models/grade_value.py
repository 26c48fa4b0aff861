from enum import StrEnum


class GradeValue(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    UNSET = "unset"

    def __str__(self) -> str:
        return str(self.value)
