//! Entry point of the manager bundle (`app/manage.html`, built with `--features manager`):
//! the same app with the manager-only screens.

fn main() {
    huitou_app::start();
}
