from enum import StrEnum


class PromptKind(StrEnum):
    GENERATOR = "generator"
    GRADER = "grader"

    def __str__(self) -> str:
        return str(self.value)
