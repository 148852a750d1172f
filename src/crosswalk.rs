//! Crosswalks: declarative mappings from MARC 21, EAD and Dublin Core records onto RDF.
//!
//! [`transform`] holds the value transforms that a crosswalk file applies to the values it selects
//! (`trim-isbd`, `split`, `date-publication`, `isbn`, `language`, …). It depends on nothing else in
//! this module, so the mapping language and engine can be built on top of it.

pub mod transform;
