from enum import StrEnum


class CallStatus(StrEnum):
    FAILED = "failed"
    INVALID_OUTPUT = "invalid_output"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
