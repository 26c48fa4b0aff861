//! Manual grades: a person's pass or fail overrides the automatic grade in every aggregate,
//! without replacing it; every change is kept in the cell's history.

use platform::UserTx;
use tracing::instrument;

use crate::{Cell, CellId, CellStatus, Error, GradeValue, Result, RunId, store};

/// Sets (or, with `unset`, removes) the manual grade of a cell.
#[instrument(skip_all, fields(run.id = %run_id, cell.id = %cell_id))]
pub async fn grade_cell(
    tx: &mut UserTx,
    run_id: RunId,
    cell_id: CellId,
    value: GradeValue,
    note: Option<String>,
) -> Result<Cell> {
    let org = store::editable(tx, run_id).await?;
    let status: Option<CellStatus> = sqlx::query_scalar(
        "select status from public.run_cell where id = $1 and run_id = $2 for update",
    )
    .bind(cell_id)
    .bind(run_id)
    .fetch_optional(&mut **tx)
    .await?;
    match status {
        None => {
            store::ensure_run(tx, run_id).await?;
            return Err(Error::CellNotFound { run_id, cell_id });
        }
        Some(CellStatus::Succeeded) => {}
        Some(status) => return Err(Error::CellNotGradable { cell_id, status }),
    }
    let manual = match value {
        GradeValue::Unset => None,
        set => Some(set.as_str()),
    };
    sqlx::query(
        "update public.run_cell
         set manual_grade = $2,
             manual_note = case when $2 is null then null else $3 end,
             manual_graded_at = case when $2 is null then null else now() end,
             manual_graded_by = case when $2 is null then null else (select auth.uid()) end
         where id = $1",
    )
    .bind(cell_id)
    .bind(manual)
    .bind(&note)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into public.cell_grade (cell_id, org_id, value, note) values ($1, $2, $3, $4)",
    )
    .bind(cell_id)
    .bind(org)
    .bind(value.as_str())
    .bind(&note)
    .execute(&mut **tx)
    .await?;
    tracing::info!(grade = value.as_str(), "graded cell {cell_id} by hand");
    store::get_cell(tx, run_id, cell_id).await
}
