//! Rule codes of sign-off verification (`SIG`).

rules! {
    SIGNOFF;
}
