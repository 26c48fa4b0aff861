from enum import StrEnum


class ErrorKind(StrEnum):
    ABANDONED = "abandoned"
    ANSWER_TOO_LARGE = "answer_too_large"
    AUTH = "auth"
    BUDGET_EXCEEDED = "budget_exceeded"
    INTERNAL = "internal"
    INVALID_INPUT = "invalid_input"
    INVALID_REQUEST = "invalid_request"
    PROMPT_TOO_LARGE = "prompt_too_large"
    PROVIDER_ERROR = "provider_error"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
