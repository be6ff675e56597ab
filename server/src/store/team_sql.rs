// The SQL of the Team screen (accounts, devices, the audit log, the review of refused changes), shared by the SQLite and
// PostgreSQL stores and included by each after `sql.rs` (whose `now_text`, `user_from_row`
// and `USER_COLUMNS` it uses). Every query is parameterised.

fn device_from_row(row: &DbRow) -> StoreResult<super::DeviceRow> {
    Ok(super::DeviceRow {
        user_id: row.try_get("user_id")?,
        device: row.try_get("device")?,
        first_sign_in: row.try_get("first_sign_in")?,
        last_sign_in: row.try_get("last_sign_in")?,
        last_seen: row.try_get("last_seen")?,
        last_sync: row.try_get("last_sync")?,
        signed_in: row.try_get::<i64, _>("live")? > 0,
        waiting: row.try_get("waiting")?,
    })
}

#[async_trait]
impl super::TeamStore for BackendStore {
    async fn users(&self, org_id: &str) -> StoreResult<Vec<UserRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = $1 ORDER BY u.name, u.username"
        )))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn user(&self, org_id: &str, user_id: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = $1 AND u.id = $2"
        )))
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn update_user(
        &self,
        org_id: &str,
        user_id: &str,
        name: Option<&str>,
        role: Option<Role>,
        team: Option<&str>,
    ) -> StoreResult<Option<UserRow>> {
        sqlx::query(
            "UPDATE users SET name = COALESCE($3, name), role = COALESCE($4, role),
                    team = COALESCE($5, team)
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(name)
        .bind(role.map(Role::as_str))
        .bind(team)
        .execute(&self.pool)
        .await?;
        self.user(org_id, user_id).await
    }

    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        must_change: bool,
        keep: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .bind(i32::from(must_change))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE tokens SET revoked_at = $2, revoked_reason = 'password'
             WHERE user_id = $1 AND revoked_at IS NULL AND token_hash <> COALESCE($3, '')",
        )
        .bind(user_id)
        .bind(now_text())
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn disable_user(
        &self,
        org_id: &str,
        user_id: &str,
        at: &str,
    ) -> StoreResult<Option<UserRow>> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE users SET disabled_at = COALESCE(disabled_at, $3) WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE tokens SET revoked_at = $2, revoked_reason = 'disabled'
             WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.user(org_id, user_id).await
    }

    async fn disabled_token_user(&self, token_hash: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND u.disabled_at IS NOT NULL
               AND (t.revoked_at IS NULL OR t.revoked_reason = 'disabled')"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn devices(&self, org_id: &str) -> StoreResult<Vec<super::DeviceRow>> {
        let rows = sqlx::query(
            "SELECT t.user_id, t.device, MIN(t.created_at) AS first_sign_in,
                    MAX(t.created_at) AS last_sign_in, MAX(t.last_used_at) AS last_seen,
                    MAX(t.last_sync_at) AS last_sync,
                    SUM(CASE WHEN t.revoked_at IS NULL AND u.disabled_at IS NULL THEN 1 ELSE 0 END)
                        AS live,
                    (SELECT CAST(w.waiting AS BIGINT) FROM tokens w
                      WHERE w.user_id = t.user_id AND w.device = t.device AND w.waiting IS NOT NULL
                      ORDER BY w.last_used_at DESC LIMIT 1) AS waiting
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE u.org_id = $1 AND t.device IS NOT NULL
             GROUP BY t.user_id, t.device
             ORDER BY last_seen DESC, t.device",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(device_from_row).collect()
    }

    async fn revoke_device(&self, org_id: &str, user_id: &str, device: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = $4, revoked_reason = 'device'
             WHERE user_id = $2 AND device = $3 AND revoked_at IS NULL
               AND user_id IN (SELECT id FROM users WHERE org_id = $1)",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(device)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn audit(&self, org_id: &str, entry: &super::AuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit (org_id, at, actor, device, action, subject, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org_id)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.device)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(entry.detail.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn audit_log(
        &self,
        org_id: &str,
        filter: &super::AuditFilter,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<(i64, super::AuditEntry)>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, device, action, subject, detail FROM audit
             WHERE org_id = $1 AND seq < COALESCE($2, 9223372036854775807)
               AND ($3 IS NULL OR actor = $3) AND ($4 IS NULL OR action = $4)
               AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6)
             ORDER BY seq DESC LIMIT $7",
        )
        .bind(org_id)
        .bind(before)
        .bind(&filter.actor)
        .bind(&filter.action)
        .bind(&filter.from)
        .bind(&filter.until)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let detail: String = row.try_get("detail")?;
                Ok((
                    row.try_get("seq")?,
                    super::AuditEntry {
                        at: row.try_get("at")?,
                        actor: row.try_get("actor")?,
                        device: row.try_get("device")?,
                        action: row.try_get("action")?,
                        subject: row.try_get("subject")?,
                        detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
                    },
                ))
            })
            .collect()
    }

    async fn review_list(
        &self,
        org_id: &str,
        open_only: bool,
        limit: usize,
    ) -> StoreResult<Vec<super::ReviewRow>> {
        let rows = sqlx::query(
            "SELECT id, user_id, device, at, op, change, code, message,
                    resolution, resolved_by, resolved_at, reason
             FROM quarantine
             WHERE org_id = $1 AND ($2 = 0 OR resolution IS NULL OR resolution = 'applying')
             ORDER BY id DESC LIMIT $3",
        )
        .bind(org_id)
        .bind(i32::from(open_only))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(review_row).collect()
    }

    async fn review_item(&self, org_id: &str, id: i64) -> StoreResult<Option<super::ReviewRow>> {
        let row = sqlx::query(
            "SELECT id, user_id, device, at, op, change, code, message,
                    resolution, resolved_by, resolved_at, reason
             FROM quarantine WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(review_row).transpose()
    }

    async fn review_decide(
        &self,
        org_id: &str,
        id: i64,
        from: super::ReviewState,
        decision: &super::Decision<'_>,
    ) -> StoreResult<bool> {
        let state = match from {
            super::ReviewState::Open => "resolution IS NULL",
            super::ReviewState::OpenOrApplying => "(resolution IS NULL OR resolution = 'applying')",
            super::ReviewState::Applying => "resolution = 'applying'",
        };
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE quarantine SET resolution = $3, resolved_by = $4, resolved_at = $5, reason = $6
             WHERE org_id = $1 AND id = $2 AND {state}"
        )))
        .bind(org_id)
        .bind(id)
        .bind(decision.resolution)
        .bind(decision.by)
        .bind(decision.at)
        .bind(decision.reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn review_forget(
        &self,
        org_id: &str,
        user_id: &str,
        op: &str,
        keep: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM quarantine WHERE org_id = $1 AND user_id = $2 AND op = $3 AND id <> $4",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(op)
        .bind(keep)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn review_row(row: &DbRow) -> StoreResult<super::ReviewRow> {
    let change: String = row.try_get("change")?;
    Ok(super::ReviewRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        device: row.try_get("device")?,
        at: row.try_get("at")?,
        op: row.try_get("op")?,
        change: serde_json::from_str(&change).unwrap_or(serde_json::Value::Null),
        code: row.try_get("code")?,
        message: row.try_get("message")?,
        resolution: row.try_get("resolution")?,
        resolved_by: row.try_get("resolved_by")?,
        resolved_at: row.try_get("resolved_at")?,
        reason: row.try_get("reason")?,
    })
}
