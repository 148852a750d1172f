//! Unit tests of the MARCspec parser and evaluator.
