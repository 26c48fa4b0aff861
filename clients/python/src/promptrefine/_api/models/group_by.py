from enum import StrEnum


class GroupBy(StrEnum):
    API_KEY = "api_key"
    DEPLOYMENT = "deployment"
    MODEL = "model"
    PROMPT = "prompt"
    SOURCE = "source"

    def __str__(self) -> str:
        return str(self.value)
