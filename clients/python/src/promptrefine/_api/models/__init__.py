"""Contains all the data models used in inputs/outputs"""

from .accept_invitation import AcceptInvitation
from .agreement_view import AgreementView
from .api_key_view import ApiKeyView
from .assertion import Assertion
from .assertion_result import AssertionResult
from .assertion_type import AssertionType
from .bucket_width import BucketWidth
from .call_status import CallStatus
from .call_view import CallView
from .call_view_metadata_type_0 import CallViewMetadataType0
from .call_view_variables import CallViewVariables
from .cell_counts import CellCounts
from .cell_error import CellError
from .cell_grading import CellGrading
from .cell_status import CellStatus
from .cell_view import CellView
from .changes import Changes
from .comparison_view import ComparisonView
from .cost_totals import CostTotals
from .create_api_key import CreateApiKey
from .create_deployment import CreateDeployment
from .create_deployment_json_schema_type_0 import CreateDeploymentJsonSchemaType0
from .create_invitation import CreateInvitation
from .create_org import CreateOrg
from .create_prompt import CreatePrompt
from .create_prompt_version import CreatePromptVersion
from .create_run import CreateRun
from .create_run_variables_type_0 import CreateRunVariablesType0
from .create_webhook import CreateWebhook
from .created_api_key_view import CreatedApiKeyView
from .created_invitation_view import CreatedInvitationView
from .created_webhook_view import CreatedWebhookView
from .dataset_detail_view import DatasetDetailView
from .dataset_format import DatasetFormat
from .dataset_view import DatasetView
from .delivery_status import DeliveryStatus
from .deployment_model import DeploymentModel
from .deployment_view import DeploymentView
from .deployment_view_json_schema_type_0 import DeploymentViewJsonSchemaType0
from .error_kind import ErrorKind
from .event_ticket import EventTicket
from .event_type import EventType
from .execute_request import ExecuteRequest
from .execute_request_metadata_type_0 import ExecuteRequestMetadataType0
from .execute_request_variables import ExecuteRequestVariables
from .execute_result import ExecuteResult
from .execute_result_parsed_type_0 import ExecuteResultParsedType0
from .export_format import ExportFormat
from .field_error import FieldError
from .generation import Generation
from .grade_cell import GradeCell
from .grade_entry_view import GradeEntryView
from .grade_status import GradeStatus
from .grade_value import GradeValue
from .grader_input import GraderInput
from .grading_pass import GradingPass
from .grading_pass_assertions_item import GradingPassAssertionsItem
from .grading_pass_grader_type_0 import GradingPassGraderType0
from .group_by import GroupBy
from .health import Health
from .input_cost import InputCost
from .interval import Interval
from .invitation_view import InvitationView
from .judge_view import JudgeView
from .latency_stats import LatencyStats
from .manual_grade_view import ManualGradeView
from .member_view import MemberView
from .model_comparison_view import ModelComparisonView
from .model_estimate import ModelEstimate
from .model_params import ModelParams
from .model_summary_view import ModelSummaryView
from .model_view import ModelView
from .models_view import ModelsView
from .org_view import OrgView
from .output_basis import OutputBasis
from .page_of_api_key_view import PageOfApiKeyView
from .page_of_api_key_view_items_item import PageOfApiKeyViewItemsItem
from .page_of_call_view import PageOfCallView
from .page_of_call_view_items_item import PageOfCallViewItemsItem
from .page_of_call_view_items_item_metadata_type_0 import (
    PageOfCallViewItemsItemMetadataType0,
)
from .page_of_call_view_items_item_variables import PageOfCallViewItemsItemVariables
from .page_of_cell_view import PageOfCellView
from .page_of_cell_view_items_item import PageOfCellViewItemsItem
from .page_of_dataset_view import PageOfDatasetView
from .page_of_dataset_view_items_item import PageOfDatasetViewItemsItem
from .page_of_deployment_view import PageOfDeploymentView
from .page_of_deployment_view_items_item import PageOfDeploymentViewItemsItem
from .page_of_deployment_view_items_item_json_schema_type_0 import (
    PageOfDeploymentViewItemsItemJsonSchemaType0,
)
from .page_of_grading_pass import PageOfGradingPass
from .page_of_grading_pass_items_item import PageOfGradingPassItemsItem
from .page_of_grading_pass_items_item_assertions_item import (
    PageOfGradingPassItemsItemAssertionsItem,
)
from .page_of_grading_pass_items_item_grader_type_0 import (
    PageOfGradingPassItemsItemGraderType0,
)
from .page_of_invitation_view import PageOfInvitationView
from .page_of_invitation_view_items_item import PageOfInvitationViewItemsItem
from .page_of_member_view import PageOfMemberView
from .page_of_member_view_items_item import PageOfMemberViewItemsItem
from .page_of_org_view import PageOfOrgView
from .page_of_org_view_items_item import PageOfOrgViewItemsItem
from .page_of_prompt_view import PageOfPromptView
from .page_of_prompt_view_items_item import PageOfPromptViewItemsItem
from .page_of_run_list_item import PageOfRunListItem
from .page_of_run_list_item_items_item import PageOfRunListItemItemsItem
from .page_of_version_view import PageOfVersionView
from .page_of_version_view_items_item import PageOfVersionViewItemsItem
from .page_of_webhook_delivery_view import PageOfWebhookDeliveryView
from .page_of_webhook_delivery_view_items_item import PageOfWebhookDeliveryViewItemsItem
from .page_of_webhook_view import PageOfWebhookView
from .page_of_webhook_view_items_item import PageOfWebhookViewItemsItem
from .paired_test import PairedTest
from .pass_status import PassStatus
from .problem import Problem
from .prompt_detail_view import PromptDetailView
from .prompt_kind import PromptKind
from .prompt_spend import PromptSpend
from .prompt_view import PromptView
from .provider_key import ProviderKey
from .put_provider_key import PutProviderKey
from .rate_limit import RateLimit
from .regrade_request import RegradeRequest
from .render_model import RenderModel
from .render_preview import RenderPreview
from .render_prompt import RenderPrompt
from .render_prompt_variables import RenderPromptVariables
from .rerun_request import RerunRequest
from .response_format import ResponseFormat
from .restore_prompt_version import RestorePromptVersion
from .role import Role
from .row_view import RowView
from .row_view_values import RowViewValues
from .rows_view import RowsView
from .run import Run
from .run_estimate import RunEstimate
from .run_list_item import RunListItem
from .run_model_input import RunModelInput
from .run_model_view import RunModelView
from .run_prompt import RunPrompt
from .run_status import RunStatus
from .run_summary_view import RunSummaryView
from .run_view import RunView
from .run_view_assertions_item import RunViewAssertionsItem
from .run_view_grader_type_0 import RunViewGraderType0
from .run_view_variables import RunViewVariables
from .scope import Scope
from .score_scale import ScoreScale
from .served_by import ServedBy
from .test_sent import TestSent
from .token_totals import TokenTotals
from .update_dataset import UpdateDataset
from .update_deployment import UpdateDeployment
from .update_deployment_json_schema_type_0 import UpdateDeploymentJsonSchemaType0
from .update_member import UpdateMember
from .update_org import UpdateOrg
from .update_prompt import UpdatePrompt
from .update_webhook import UpdateWebhook
from .upload_dataset import UploadDataset
from .usage import Usage
from .usage_bucket import UsageBucket
from .usage_overview import UsageOverview
from .version_view import VersionView
from .webhook_delivery_view import WebhookDeliveryView
from .webhook_view import WebhookView

__all__ = (
    "AcceptInvitation",
    "AgreementView",
    "ApiKeyView",
    "Assertion",
    "AssertionResult",
    "AssertionType",
    "BucketWidth",
    "CallStatus",
    "CallView",
    "CallViewMetadataType0",
    "CallViewVariables",
    "CellCounts",
    "CellError",
    "CellGrading",
    "CellStatus",
    "CellView",
    "Changes",
    "ComparisonView",
    "CostTotals",
    "CreateApiKey",
    "CreateDeployment",
    "CreateDeploymentJsonSchemaType0",
    "CreateInvitation",
    "CreateOrg",
    "CreatePrompt",
    "CreatePromptVersion",
    "CreateRun",
    "CreateRunVariablesType0",
    "CreateWebhook",
    "CreatedApiKeyView",
    "CreatedInvitationView",
    "CreatedWebhookView",
    "DatasetDetailView",
    "DatasetFormat",
    "DatasetView",
    "DeliveryStatus",
    "DeploymentModel",
    "DeploymentView",
    "DeploymentViewJsonSchemaType0",
    "ErrorKind",
    "EventTicket",
    "EventType",
    "ExecuteRequest",
    "ExecuteRequestMetadataType0",
    "ExecuteRequestVariables",
    "ExecuteResult",
    "ExecuteResultParsedType0",
    "ExportFormat",
    "FieldError",
    "Generation",
    "GradeCell",
    "GradeEntryView",
    "GradeStatus",
    "GradeValue",
    "GraderInput",
    "GradingPass",
    "GradingPassAssertionsItem",
    "GradingPassGraderType0",
    "GroupBy",
    "Health",
    "InputCost",
    "Interval",
    "InvitationView",
    "JudgeView",
    "LatencyStats",
    "ManualGradeView",
    "MemberView",
    "ModelComparisonView",
    "ModelEstimate",
    "ModelParams",
    "ModelSummaryView",
    "ModelView",
    "ModelsView",
    "OrgView",
    "OutputBasis",
    "PageOfApiKeyView",
    "PageOfApiKeyViewItemsItem",
    "PageOfCallView",
    "PageOfCallViewItemsItem",
    "PageOfCallViewItemsItemMetadataType0",
    "PageOfCallViewItemsItemVariables",
    "PageOfCellView",
    "PageOfCellViewItemsItem",
    "PageOfDatasetView",
    "PageOfDatasetViewItemsItem",
    "PageOfDeploymentView",
    "PageOfDeploymentViewItemsItem",
    "PageOfDeploymentViewItemsItemJsonSchemaType0",
    "PageOfGradingPass",
    "PageOfGradingPassItemsItem",
    "PageOfGradingPassItemsItemAssertionsItem",
    "PageOfGradingPassItemsItemGraderType0",
    "PageOfInvitationView",
    "PageOfInvitationViewItemsItem",
    "PageOfMemberView",
    "PageOfMemberViewItemsItem",
    "PageOfOrgView",
    "PageOfOrgViewItemsItem",
    "PageOfPromptView",
    "PageOfPromptViewItemsItem",
    "PageOfRunListItem",
    "PageOfRunListItemItemsItem",
    "PageOfVersionView",
    "PageOfVersionViewItemsItem",
    "PageOfWebhookDeliveryView",
    "PageOfWebhookDeliveryViewItemsItem",
    "PageOfWebhookView",
    "PageOfWebhookViewItemsItem",
    "PairedTest",
    "PassStatus",
    "Problem",
    "PromptDetailView",
    "PromptKind",
    "PromptSpend",
    "PromptView",
    "ProviderKey",
    "PutProviderKey",
    "RateLimit",
    "RegradeRequest",
    "RenderModel",
    "RenderPreview",
    "RenderPrompt",
    "RenderPromptVariables",
    "RerunRequest",
    "ResponseFormat",
    "RestorePromptVersion",
    "Role",
    "RowView",
    "RowViewValues",
    "RowsView",
    "Run",
    "RunEstimate",
    "RunListItem",
    "RunModelInput",
    "RunModelView",
    "RunPrompt",
    "RunStatus",
    "RunSummaryView",
    "RunView",
    "RunViewAssertionsItem",
    "RunViewGraderType0",
    "RunViewVariables",
    "Scope",
    "ScoreScale",
    "ServedBy",
    "TestSent",
    "TokenTotals",
    "UpdateDataset",
    "UpdateDeployment",
    "UpdateDeploymentJsonSchemaType0",
    "UpdateMember",
    "UpdateOrg",
    "UpdatePrompt",
    "UpdateWebhook",
    "UploadDataset",
    "Usage",
    "UsageBucket",
    "UsageOverview",
    "VersionView",
    "WebhookDeliveryView",
    "WebhookView",
)
