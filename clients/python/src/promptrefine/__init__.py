"""PromptRefine's Python SDK.

A small hand-written facade (:class:`PromptRefine`) over a client generated from the API's
OpenAPI document (``promptrefine._api``, by openapi-python-client: every endpoint, typed)::

    from promptrefine import PromptRefine

    client = PromptRefine(api_key="pr_live_...")          # or PROMPTREFINE_API_KEY
    answer = client.execute("support-reply", {"question": "Where is my order?"})
    print(answer.output, answer.cached, answer.cost_usd)
"""

from ._client import PromptRefine, PromptRefineError, Runs

__all__ = ["PromptRefine", "PromptRefineError", "Runs"]
