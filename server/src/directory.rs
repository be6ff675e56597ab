//! Publishes each user as a synced `user` record (name, username, role, team), so every device of the
//! organisation can say who changed a field and list owners — without a separate users API.

use crate::store::{Actor, Incoming, PushOutcome, Store, UserRow};
use huitou_shared::{Change, Clock, DeviceId, Role};
use serde_json::json;
use std::collections::HashMap;

/// Writes (or rewrites) the `user` record of `user` into its organisation's log.
pub async fn publish_user(store: &dyn Store, user: &UserRow) -> anyhow::Result<PushOutcome> {
    let device = DeviceId::parse(huitou_shared::api::SERVER_AUTHOR).map_err(anyhow::Error::msg)?;
    let mut clock = Clock::new(device.clone());
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default();
    let actor = Actor {
        user_id: user.id.clone(),
        org_id: user.org_id.clone(),
        role: Role::Admin,
    };
    let incoming: Vec<Incoming> = [
        ("name", json!(user.name)),
        ("username", json!(user.username)),
        ("role", json!(user.role.as_str())),
        // The store or team, for Insights by team.
        ("team", json!(user.team)),
        // Disabled users stay as names in history ("王芳 (left)").
        ("disabled", json!(user.disabled_at.is_some())),
    ]
    .into_iter()
    .map(|(field, value)| {
        let mut change = Change::new(
            "user",
            &user.id,
            field,
            value,
            &clock.tick(now_ms).to_string(),
        );
        change.author = user.id.clone();
        Incoming::Valid { change }
    })
    .collect();
    Ok(store
        .push(&actor, &device, &incoming, &HashMap::new())
        .await?)
}
