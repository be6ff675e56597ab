//! Entry point of the web app built by Trunk.

fn main() {
    huitou_app::start();
}
