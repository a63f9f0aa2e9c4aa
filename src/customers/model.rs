//! The customer vocabulary of DOMAIN.md as types: what the API accepts is
//! exactly what the business knows, so a typo is a 422, never a stored value.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A closed list of snake_case words stored as text.
macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        // Written by hand: the derive cannot see renames made inside a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored spelling.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

pub(crate) use words;

words!(Gender { Female = "female", Male = "male", Other = "other" });
words!(CustomerType { Individual = "individual", Corporate = "corporate", Wholesale = "wholesale" });
words!(
    /// Budget bands in Indian terms (k = thousand, l = lakh).
    BudgetBand { Under50k = "under_50k", From50kTo2l = "50k_2l", From2lTo5l = "2l_5l", From5lTo10l = "5l_10l", Above10l = "above_10l" }
);
words!(Tier { General = "general", Vip = "vip", Vvip = "vvip" });
words!(Metal { Gold = "gold", Silver = "silver", Platinum = "platinum", RoseGold = "rose_gold" });
words!(Purity { K24 = "24k", K22 = "22k", K18 = "18k", K14 = "14k", Silver925 = "925_silver", Platinum950 = "950_platinum" });
words!(Stone { Diamond = "diamond", Polki = "polki", Kundan = "kundan", Ruby = "ruby", Emerald = "emerald", Sapphire = "sapphire", Pearl = "pearl", Other = "other" });
words!(
    /// Jewellery categories (also an interest's category).
    Category { Rings = "rings", NecklaceSets = "necklace_sets", Chains = "chains", Mangalsutra = "mangalsutra", Bangles = "bangles", Earrings = "earrings", Pendants = "pendants", Bracelets = "bracelets", NosePins = "nose_pins", Anklets = "anklets", Coins = "coins", Other = "other" }
);
words!(Style { Traditional = "traditional", Contemporary = "contemporary", Bridal = "bridal" });
words!(SavingScheme { None = "none", Active = "active", Matured = "matured", Closed = "closed" });
words!(Relation { Spouse = "spouse", Son = "son", Daughter = "daughter", Father = "father", Mother = "mother", Brother = "brother", Sister = "sister", Grandchild = "grandchild", Other = "other" });
words!(
    /// Why the customer came in.
    VisitReason { Wedding = "wedding", Engagement = "engagement", Gifting = "gifting", SelfPurchase = "self", Repair = "repair", Valuation = "valuation", Exchange = "exchange", Investment = "investment", Inquiry = "inquiry" }
);
words!(LeadSource { WalkIn = "walk_in", Referral = "referral", Instagram = "instagram", Facebook = "facebook", Google = "google", Whatsapp = "whatsapp", Website = "website", Exhibition = "exhibition", Newspaper = "newspaper", Hoarding = "hoarding", Other = "other" });
words!(
    /// How an interest ended.
    Outcome { Purchased = "purchased", DesignSelected = "design_selected", WantsMoreDiscount = "wants_more_discount", CheckingOtherJewellers = "checking_other_jewellers", FeltLessVariety = "felt_less_variety", Other = "other" }
);
words!(
    /// Appointment states; `completed`, `cancelled`, `no_show` and `rescheduled` are final.
    AppointmentStatus { Scheduled = "scheduled", Confirmed = "confirmed", Completed = "completed", Cancelled = "cancelled", NoShow = "no_show", Rescheduled = "rescheduled" }
);

impl AppointmentStatus {
    /// The status machine: which moves are legal.
    pub fn can_become(self, next: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (
                Scheduled,
                Confirmed | Completed | Cancelled | NoShow | Rescheduled
            ) | (Confirmed, Completed | Cancelled | NoShow | Rescheduled)
        )
    }
}

/// The jewellery profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct JewelleryPreferences {
    pub metals: Vec<Metal>,
    pub purities: Vec<Purity>,
    pub stones: Vec<Stone>,
    pub categories: Vec<Category>,
    pub styles: Vec<Style>,
    /// Indian ring size, e.g. `14`.
    pub ring_size: Option<String>,
    pub saving_scheme: Option<SavingScheme>,
}

/// A consent as recorded: what was shown, where, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelConsent {
    pub granted: bool,
    pub at: DateTime<Utc>,
    /// Where it was captured, e.g. `showroom form`, `website`.
    pub source: String,
    /// The wording the customer agreed to (or withdrew).
    pub text: String,
    /// Who recorded it.
    pub recorded_by: Uuid,
}

/// Consent per channel; absent means never asked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Consent {
    pub whatsapp: Option<ChannelConsent>,
    pub sms: Option<ChannelConsent>,
    pub email: Option<ChannelConsent>,
    pub calls: Option<ChannelConsent>,
}

/// A consent being given or withdrawn now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentGrant {
    pub granted: bool,
    pub source: String,
    pub text: String,
}

/// Consent changes by channel; absent channels stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentInput {
    pub whatsapp: Option<ConsentGrant>,
    pub sms: Option<ConsentGrant>,
    pub email: Option<ConsentGrant>,
    pub calls: Option<ConsentGrant>,
}

/// A family member, optionally a customer record of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyMember {
    pub name: String,
    pub relation: Relation,
    /// The member's own customer record, when they have one.
    pub linked_customer_id: Option<Uuid>,
    pub birth_date: Option<NaiveDate>,
    pub anniversary: Option<NaiveDate>,
    pub wedding_date: Option<NaiveDate>,
}

/// A customer as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    /// E.164; the first is the primary number.
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub anniversary: Option<NaiveDate>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub area: Option<String>,
    pub postal_code: Option<String>,
    pub language: Option<String>,
    pub community: Option<String>,
    pub customer_type: CustomerType,
    pub preferences: JewelleryPreferences,
    pub budget_band: Option<BudgetBand>,
    pub tier: Tier,
    /// Tags typed by people.
    pub tags: Vec<String>,
    /// Tags kept by segment rules (read-only).
    pub auto_tags: Vec<String>,
    pub consent: Consent,
    /// Do not disturb: never call or message.
    pub dnd: bool,
    pub home_store_id: Uuid,
    /// Total spend in whole currency units.
    pub lifetime_value: i64,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub family: Vec<FamilyMember>,
    /// True when the caller sees only the fields needed to call (telecallers).
    pub limited: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub merged_into: Option<Uuid>,
}

impl Customer {
    /// Keeps only what a telecaller needs to make the call.
    pub fn limit_to_call_card(mut self) -> Customer {
        self.email = None;
        self.gender = None;
        self.birth_date = None;
        self.anniversary = None;
        self.address = None;
        self.area = None;
        self.postal_code = None;
        self.community = None;
        self.lifetime_value = 0;
        self.family.clear();
        self.limited = true;
        self
    }
}

/// A row in a customer list.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CustomerSummary {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
    pub city: Option<String>,
    pub tier: Tier,
    /// Typed and rule-kept tags together.
    pub tags: Vec<String>,
    pub home_store_id: Uuid,
    pub dnd: bool,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}
