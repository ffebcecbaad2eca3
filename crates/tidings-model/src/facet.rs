//! The facets a reader filters by, as one typed table. Parsing and writing
//! the URL query, the app's facet panels, the index's columns and the
//! bundler's rows all iterate [`Facet::ALL`] and read [`Facet::spec`];
//! adding a facet is one variant, one [`FacetSpec`] and its data (a column
//! pair in [`crate::Index`] and the terms the bundler gives each digest).

use crate::{Index, Manifest, TermCount};

/// A dimension of terms a digest carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// The digest's tags (front matter).
    Tag,
    /// The digest's categories (front matter).
    Category,
    /// The source domains of its items.
    Domain,
    /// The section labels of its items (`### 产品与功能更新`).
    Section,
}

/// How several chosen terms of one facet combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// All of them by default; any of them with `op=or` in the query.
    AllOrAny,
    /// Any of them.
    Any,
}

/// Everything the code needs to know about a facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacetSpec {
    /// Its key in the URL query (repeatable).
    pub key: &'static str,
    /// Its label in the filter panel.
    pub label: &'static str,
    /// Written before each term on its chips (`#` for tags).
    pub prefix: &'static str,
    pub combine: Combine,
    /// How many of its terms the panel shows at once (the most common, and
    /// every chosen one); the rest are behind "all tags (N)". `None` for all.
    pub shown: Option<usize>,
}

impl Facet {
    /// Every facet, in the order of the query string and the panel.
    pub const ALL: [Facet; 4] = [Facet::Tag, Facet::Category, Facet::Domain, Facet::Section];

    /// Number of facets.
    pub const COUNT: usize = Facet::ALL.len();

    pub const fn spec(self) -> &'static FacetSpec {
        match self {
            Facet::Tag => &FacetSpec {
                key: "tag",
                label: "Tags",
                prefix: "#",
                combine: Combine::AllOrAny,
                shown: Some(12),
            },
            Facet::Category => &FacetSpec {
                key: "cat",
                label: "Categories",
                prefix: "",
                combine: Combine::Any,
                shown: Some(8),
            },
            Facet::Domain => &FacetSpec {
                key: "domain",
                label: "Sources",
                prefix: "",
                combine: Combine::Any,
                shown: Some(12),
            },
            Facet::Section => &FacetSpec {
                key: "section",
                label: "Sections",
                prefix: "",
                combine: Combine::Any,
                shown: Some(8),
            },
        }
    }

    /// Its key in the URL query.
    pub const fn key(self) -> &'static str {
        self.spec().key
    }

    /// The facet with query key `key`.
    pub fn from_key(key: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.key() == key)
    }

    const fn slot(self) -> usize {
        self as usize
    }
}

/// One value per facet, indexed by [`Facet`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PerFacet<T>(pub [T; Facet::COUNT]);

impl<T> PerFacet<T> {
    /// The value of every facet from a function of it.
    pub fn from_fn(mut f: impl FnMut(Facet) -> T) -> Self {
        PerFacet(Facet::ALL.map(&mut f))
    }

    /// Each facet with its value.
    pub fn iter(&self) -> impl Iterator<Item = (Facet, &T)> {
        Facet::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T> std::ops::Index<Facet> for PerFacet<T> {
    type Output = T;
    fn index(&self, f: Facet) -> &T {
        &self.0[f.slot()]
    }
}

impl<T> std::ops::IndexMut<Facet> for PerFacet<T> {
    fn index_mut(&mut self, f: Facet) -> &mut T {
        &mut self.0[f.slot()]
    }
}

/// A facet's column of the index: the string table and, per row, the
/// ascending numbers of the row's terms in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    pub names: &'a [String],
    pub rows: &'a [Vec<u32>],
}

impl Index {
    /// The column of facet `f`.
    pub fn column(&self, f: Facet) -> Column<'_> {
        let (names, rows) = match f {
            Facet::Tag => (&self.tags, &self.row_tags),
            Facet::Category => (&self.categories, &self.row_categories),
            Facet::Domain => (&self.domains, &self.row_domains),
            Facet::Section => (&self.sections, &self.row_sections),
        };
        Column { names, rows }
    }

    /// Sets the column of facet `f`.
    pub fn set_column(&mut self, f: Facet, names: Vec<String>, rows: Vec<Vec<u32>>) {
        let (n, r) = match f {
            Facet::Tag => (&mut self.tags, &mut self.row_tags),
            Facet::Category => (&mut self.categories, &mut self.row_categories),
            Facet::Domain => (&mut self.domains, &mut self.row_domains),
            Facet::Section => (&mut self.sections, &mut self.row_sections),
        };
        *n = names;
        *r = rows;
    }
}

impl Manifest {
    /// The whole corpus's counts of a facet's terms, for the first view
    /// (which loads no index).
    pub fn totals(&self, f: Facet) -> &[TermCount] {
        match f {
            Facet::Tag => &self.tags,
            Facet::Category => &self.categories,
            Facet::Domain => &self.domains,
            Facet::Section => &self.sections,
        }
    }

    /// Sets the counts of facet `f`'s terms.
    pub fn set_totals(&mut self, f: Facet, totals: Vec<TermCount>) {
        *self.totals_mut(f) = totals;
    }

    fn totals_mut(&mut self, f: Facet) -> &mut Vec<TermCount> {
        match f {
            Facet::Tag => &mut self.tags,
            Facet::Category => &mut self.categories,
            Facet::Domain => &mut self.domains,
            Facet::Section => &mut self.sections,
        }
    }

    /// How many terms facet `f` has in the whole corpus, whether or not
    /// [`Manifest::totals`] holds them all.
    pub fn term_count(&self, f: Facet) -> usize {
        let listed = self.totals(f).len();
        (self.facet_terms.get(f.slot())).map_or(listed, |&n| listed.max(n as usize))
    }

    /// The manifest as the site's file carries it: each facet's terms cut
    /// to the most used few the first screen shows ([`FacetSpec::shown`];
    /// the totals are most used first), with how many there are in
    /// `facet_terms`. The build keeps the whole lists for its own pages.
    pub fn bounded(&self) -> Manifest {
        let mut m = self.clone();
        m.facet_terms = Facet::ALL.map(|f| self.term_count(f) as u32).to_vec();
        for f in Facet::ALL {
            if let Some(shown) = f.spec().shown {
                m.totals_mut(f).truncate(shown);
            }
        }
        if Facet::ALL
            .iter()
            .all(|&f| m.totals(f).len() == m.term_count(f))
        {
            m.facet_terms.clear();
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_round_trip() {
        for f in Facet::ALL {
            assert_eq!(Facet::from_key(f.key()), Some(f));
            assert_eq!(Facet::ALL[f.slot()], f);
        }
        let mut keys: Vec<_> = Facet::ALL.iter().map(|f| f.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Facet::COUNT);
        assert_eq!(Facet::from_key("q"), None);
    }

    #[test]
    fn columns_are_set_and_read_per_facet() {
        let mut index = Index::default();
        for f in Facet::ALL {
            index.set_column(f, vec![f.key().to_string()], vec![vec![0]]);
        }
        for f in Facet::ALL {
            assert_eq!(index.column(f).names, [f.key().to_string()]);
        }
    }
}
