fn main() {
    ferry_web::start();
}
