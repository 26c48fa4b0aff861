//! A bound on the long-lived responses (run event streams, exports) each tenant (organization)
//! may hold open in this process: each one holds a task, buffers and a broadcast subscription, so
//! a tenant opening thousands would take them from everyone else.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use platform::OrgId;

use crate::error::ApiError;

/// The open streams of every tenant.
#[derive(Debug)]
pub struct StreamSlots {
    limit: usize,
    open: Mutex<HashMap<OrgId, usize>>,
}

/// One open stream; closing the response drops it and frees the slot.
#[derive(Debug)]
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    tenant: OrgId,
}

impl StreamSlots {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self { limit, open: Mutex::default() })
    }

    /// A slot for one more stream of `tenant`, or a 429 naming the limit.
    pub fn take(self: &Arc<Self>, tenant: OrgId) -> Result<StreamSlot, ApiError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(tenant).or_default();
        if *count >= self.limit {
            return Err(ApiError::too_many(
                "too_many_streams",
                format!(
                    "This organization has {} event streams and exports open; close one \
                     first (MAX_STREAMS_PER_TENANT).",
                    self.limit
                ),
                self.limit as u64,
                None,
            ));
        }
        *count += 1;
        Ok(StreamSlot { slots: self.clone(), tenant })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.tenant) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.tenant);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_gets_its_limit_and_closing_a_stream_frees_its_slot() {
        let slots = StreamSlots::new(2);
        let (a, b) = (OrgId(uuid::Uuid::from_u128(1)), OrgId(uuid::Uuid::from_u128(2)));
        let first = slots.take(a).unwrap();
        let _second = slots.take(a).unwrap();
        let refused = slots.take(a).unwrap_err();
        assert_eq!((refused.status().as_u16(), refused.code()), (429, "too_many_streams"));
        let _other_tenant = slots.take(b).unwrap();
        drop(first);
        slots.take(a).unwrap();
    }
}
