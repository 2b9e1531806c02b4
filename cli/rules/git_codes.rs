//! Rule codes of reading plans from Git (`GIT`).

rules! {
    GIT;
}
