from enum import StrEnum


class Scope(StrEnum):
    EXECUTE = "execute"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
