//! Merging two customer records that are the same person (PRODUCT §2 duplicates): nothing is lost.
//!
//! The merge is ordinary changes, so it syncs like any edit: every child record (visits,
//! contacts, family, ...) of the duplicate is moved to the kept customer by rewriting its
//! `customer_id`; fields the kept customer lacks are copied over (tags are unioned); the
//! duplicate goes to the trash with `merged_into` naming the kept customer, its own history intact.

use crate::merge::Record;
use crate::model::Kind;
use serde_json::Value;

/// One record's field writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub kind: String,
    pub id: String,
    pub fields: Vec<(String, Value)>,
}

/// Fields never copied from the duplicate: who owns the kept customer and its lifecycle markers stay.
const KEEP: [&str; 5] = ["owner", "created_at", "deleted", "merged_into", "shared"];

/// The edits that merge `duplicate` into `kept`. `children` are the duplicate's child records
/// as `(kind, id)`.
///
/// ```
/// use huitou_shared::{Change, Record};
/// use huitou_shared::customer::merging::plan;
/// let mut kept = Record::default();
/// kept.apply(&Change::new("customer", "k", "name", "王小明".into(), "001764072000001:00000:deviceAA"));
/// let mut dup = Record::default();
/// dup.apply(&Change::new("customer", "d", "name", "王晓明".into(), "001764072000002:00000:deviceAA"));
/// dup.apply(&Change::new("customer", "d", "hometown", "长沙".into(), "001764072000003:00000:deviceAA"));
/// let edits = plan("k", &kept, "d", &dup, &[("visit".into(), "v1".into())]);
/// assert_eq!(edits[0].fields, vec![("customer_id".to_owned(), "k".into())]);
/// assert!(edits.iter().any(|e| e.id == "k" && e.fields.contains(&("hometown".to_owned(), "长沙".into()))));
/// assert!(edits.iter().any(|e| e.id == "d" && e.fields.contains(&("deleted".to_owned(), true.into()))));
/// ```
pub fn plan(
    kept_id: &str,
    kept: &Record,
    duplicate_id: &str,
    duplicate: &Record,
    children: &[(String, String)],
) -> Vec<Edit> {
    let mut edits: Vec<Edit> = children
        .iter()
        .map(|(kind, id)| Edit {
            kind: kind.clone(),
            id: id.clone(),
            fields: vec![("customer_id".to_owned(), Value::String(kept_id.to_owned()))],
        })
        .collect();
    let copied: Vec<(String, Value)> = duplicate
        .fields
        .iter()
        .filter(|(field, state)| {
            !KEEP.contains(&field.as_str())
                && !state.value.is_null()
                && if field.starts_with("tag:") {
                    state.value == Value::Bool(true)
                        && kept.value(field) != Some(&Value::Bool(true))
                } else {
                    !super::completeness::is_filled(kept.value(field))
                }
        })
        .map(|(field, state)| (field.clone(), state.value.clone()))
        .collect();
    if !copied.is_empty() {
        edits.push(Edit {
            kind: Kind::CUSTOMER.to_owned(),
            id: kept_id.to_owned(),
            fields: copied,
        });
    }
    edits.push(Edit {
        kind: Kind::CUSTOMER.to_owned(),
        id: duplicate_id.to_owned(),
        fields: vec![
            ("merged_into".to_owned(), Value::String(kept_id.to_owned())),
            ("deleted".to_owned(), Value::Bool(true)),
        ],
    });
    edits
}
