//! Helpers for the black-box tests: spawn a real server, drive a real browser.
