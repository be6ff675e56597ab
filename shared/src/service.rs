//! Service recovery and word of mouth (PRODUCT §7): complaints in nine steps, the standard
//! answers that keep staff consistent, suggestions, referrals, and the tasks they plan — pure
//! rules over synced records, the same on every device and the server.
//!
//! The record kinds (SYNC §1; all children of a customer through `customer_id`, written by the
//! customer's owner, a manager, or anyone the customer is shared with):
//!
//! | kind | fields |
//! |---|---|
//! | `complaint` | `customer_id`, `at` (filed), `visit_id`, `channel`, `category`, `severity` (`low`/`medium`/`high`), `wants`, `step` (1–9, the furthest step walked), `note:<step>` (what was said at that step), `status` (`open`/`promised`/`resolved`/`followed_up`/`escalated`), `resolution`, `promised_by` (date), `compensation` (`{"amount", "kind", "detail"}`), `resolved_at`, `satisfaction` (1–5), `follow_up_on` (date), `followed_up_at`, `escalated_to` (a manager's user id) |
//! | `suggestion` | `customer_id`, `at`, `text`, `area`, `adopted` (bool), `adopted_at`, `reward` |
//! | `referral` | `customer_id` (the referrer), `referred_customer_id`, `at` |
//! | `task` (by hand) | `customer_id`, `due`, `time` (`HH:MM`), `kind` (`call`/`visit`/`message`), `note`, `owner`, `status` |
//! | `answer` (managers) | `category`, `language` (`zh`/`zh_tw`/`en`), `text` |

pub mod answers;
pub mod complaint;
pub mod referral;
pub mod suggestion;
pub mod tasks;
