from enum import StrEnum


class OutputBasis(StrEnum):
    ASSUMED = "assumed"
    MAX_TOKENS = "max_tokens"
    PAST_RUNS = "past_runs"

    def __str__(self) -> str:
        return str(self.value)
