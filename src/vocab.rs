//! IRIs of the vocabularies the store model uses: namespaces and the terms that code (not
//! mapping files) writes — provenance, collections and institutions.

/// Namespace IRIs.
pub mod ns {
    /// crosswalk's own terms.
    pub const CW: &str = "https://w3id.org/crosswalk/vocab#";
    /// PROV-O.
    pub const PROV: &str = "http://www.w3.org/ns/prov#";
    /// DCMI terms.
    pub const DCTERMS: &str = "http://purl.org/dc/terms/";
    /// DCMI types.
    pub const DCMITYPE: &str = "http://purl.org/dc/dcmitype/";
    /// FOAF.
    pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
    /// RDF.
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    /// XML Schema datatypes.
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
    /// ISO 639-2 languages at the Library of Congress.
    pub const ISO639_2: &str = "http://id.loc.gov/vocabulary/iso639-2/";
}

macro_rules! terms {
    ($(#[$doc:meta])* $module:ident = $ns:literal { $($(#[$tdoc:meta])* $name:ident = $local:literal,)* }) => {
        $(#[$doc])*
        pub mod $module {
            use oxrdf::NamedNodeRef;
            $(
                $(#[$tdoc])*
                pub const $name: NamedNodeRef<'static> =
                    NamedNodeRef::new_unchecked(concat!($ns, $local));
            )*
        }
    };
}

terms!(
    /// crosswalk's own terms (`https://w3id.org/crosswalk/vocab#`).
    cw = "https://w3id.org/crosswalk/vocab#" {
        /// Class of a named graph holding one source record's mapping output.
        RECORD_GRAPH = "RecordGraph",
        /// Class of a source record.
        SOURCE_RECORD = "SourceRecord",
        /// Class of a crosswalk file at one version.
        CROSSWALK = "Crosswalk",
        /// Class of a vocabulary file at one version.
        VOCABULARY = "Vocabulary",
        /// SHA-256 of a record's source bytes (lowercase hex).
        CHECKSUM = "checksum",
        /// What a record's output depends on besides the record itself (crosswalk, vocabularies,
        /// collection settings, tool version), as a hash.
        FINGERPRINT = "fingerprint",
        /// The crosswalk a record graph was made with.
        CROSSWALK_PROP = "crosswalk",
        /// The tool and version that wrote a graph.
        TOOL_VERSION = "toolVersion",
        /// The file a source record was read from.
        SOURCE_FILE = "sourceFile",
        /// The source record's 1-based ordinal in its file.
        RECORD_NUMBER = "recordNumber",
        /// The byte offset of the source record in its file.
        BYTE_OFFSET = "byteOffset",
        /// The line of the source record in its file (XML).
        LINE = "line",
        /// The source format (`marc`, `ead`, `dc`).
        FORMAT = "format",
        /// A file's path as the configuration names it.
        FILE = "file",
        /// A hash of a file's content.
        HASH = "hash",
        /// The main resource a record graph describes.
        DESCRIBES = "describes",
        /// How many records a run wrote.
        RECORDS_WRITTEN = "recordsWritten",
        /// How many records a run removed.
        RECORDS_REMOVED = "recordsRemoved",
        /// How many records a run quarantined.
        RECORDS_QUARANTINED = "recordsQuarantined",
    }
);

terms!(
    /// PROV-O terms used in provenance graphs.
    prov = "http://www.w3.org/ns/prov#" {
        /// `prov:Entity`.
        ENTITY = "Entity",
        /// `prov:Activity`.
        ACTIVITY = "Activity",
        /// `prov:Plan`.
        PLAN = "Plan",
        /// `prov:SoftwareAgent`.
        SOFTWARE_AGENT = "SoftwareAgent",
        /// `prov:wasDerivedFrom`.
        WAS_DERIVED_FROM = "wasDerivedFrom",
        /// `prov:wasGeneratedBy`.
        WAS_GENERATED_BY = "wasGeneratedBy",
        /// `prov:generatedAtTime`.
        GENERATED_AT_TIME = "generatedAtTime",
        /// `prov:wasAttributedTo`.
        WAS_ATTRIBUTED_TO = "wasAttributedTo",
        /// `prov:startedAtTime`.
        STARTED_AT_TIME = "startedAtTime",
        /// `prov:endedAtTime`.
        ENDED_AT_TIME = "endedAtTime",
        /// `prov:used`.
        USED = "used",
        /// `prov:wasAssociatedWith`.
        WAS_ASSOCIATED_WITH = "wasAssociatedWith",
    }
);

terms!(
    /// DCMI terms used outside mapping files.
    dcterms = "http://purl.org/dc/terms/" {
        /// `dcterms:identifier`.
        IDENTIFIER = "identifier",
        /// `dcterms:isPartOf`.
        IS_PART_OF = "isPartOf",
        /// `dcterms:title`.
        TITLE = "title",
        /// `dcterms:publisher`.
        PUBLISHER = "publisher",
        /// `dcterms:rights`.
        RIGHTS = "rights",
        /// `dcterms:license`.
        LICENSE = "license",
        /// `dcterms:language`.
        LANGUAGE = "language",
        /// `dcterms:hasVersion`.
        HAS_VERSION = "hasVersion",
        /// `dcterms:modified`.
        MODIFIED = "modified",
    }
);

terms!(
    /// FOAF terms for institutions.
    foaf = "http://xmlns.com/foaf/0.1/" {
        /// `foaf:Organization`.
        ORGANIZATION = "Organization",
        /// `foaf:name`.
        NAME = "name",
        /// `foaf:homepage`.
        HOMEPAGE = "homepage",
    }
);

terms!(
    /// DCMI types.
    dcmitype = "http://purl.org/dc/dcmitype/" {
        /// `dcmitype:Collection`.
        COLLECTION = "Collection",
    }
);
