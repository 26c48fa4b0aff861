from enum import StrEnum


class GradeStatus(StrEnum):
    ERROR = "error"
    GRADED = "graded"
    PARSE_ERROR = "parse_error"

    def __str__(self) -> str:
        return str(self.value)
