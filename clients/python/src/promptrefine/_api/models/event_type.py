from enum import StrEnum


class EventType(StrEnum):
    DEPLOYMENT_UPDATED = "deployment.updated"
    EXECUTION_FAILED = "execution.failed"
    RATE_LIMIT_REACHED = "rate_limit.reached"
    RUN_CANCELLED = "run.cancelled"
    RUN_COMPLETED = "run.completed"
    RUN_FAILED = "run.failed"

    def __str__(self) -> str:
        return str(self.value)
