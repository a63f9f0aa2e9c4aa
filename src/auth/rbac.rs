//! Roles, permissions and the one table that connects them (DOMAIN.md).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The six roles of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    BusinessAdmin,
    Manager,
    SalesRep,
    Telecaller,
    Marketing,
}

impl Role {
    /// Every role, in order of reach.
    pub const ALL: [Role; 6] = [
        Role::PlatformAdmin,
        Role::BusinessAdmin,
        Role::Manager,
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
    ];

    /// The database and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::BusinessAdmin => "business_admin",
            Role::Manager => "manager",
            Role::SalesRep => "sales_rep",
            Role::Telecaller => "telecaller",
            Role::Marketing => "marketing",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles this role may create or manage as users (the "create users" row).
    pub fn can_manage_role(self, target: Role) -> bool {
        match self {
            Role::BusinessAdmin => target != Role::PlatformAdmin,
            Role::Manager => matches!(target, Role::SalesRep | Role::Telecaller | Role::Marketing),
            // A platform admin creates only the first business admin of a tenant,
            // through the tenant endpoint.
            _ => false,
        }
    }
}

/// How far a granted permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Rows the user owns or is assigned.
    Own,
    /// Rows of the user's stores.
    Store,
    /// The whole tenant.
    Tenant,
    /// Across tenants (platform admins only).
    Platform,
}

/// Capabilities of DOMAIN.md's matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    TenantsManage,
    StoresManage,
    StoresRead,
    UsersManage,
    UsersRead,
    CustomersRead,
    CustomersWrite,
    CustomersDelete,
    CustomersErase,
    CustomersImportExport,
    VisitsLog,
    LeadsAssign,
    CallsWork,
    DealsManage,
    CatalogManage,
    CatalogRead,
    TasksManage,
    AnnouncementsPublish,
    ChatUse,
    TicketsCreate,
    TicketsManageAll,
    EscalationsManage,
    CampaignsManage,
    AuditRead,
    IntegrationsManage,
    JobsRead,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 26] = [
        Permission::TenantsManage,
        Permission::StoresManage,
        Permission::StoresRead,
        Permission::UsersManage,
        Permission::UsersRead,
        Permission::CustomersRead,
        Permission::CustomersWrite,
        Permission::CustomersDelete,
        Permission::CustomersErase,
        Permission::CustomersImportExport,
        Permission::VisitsLog,
        Permission::LeadsAssign,
        Permission::CallsWork,
        Permission::DealsManage,
        Permission::CatalogManage,
        Permission::CatalogRead,
        Permission::TasksManage,
        Permission::AnnouncementsPublish,
        Permission::ChatUse,
        Permission::TicketsCreate,
        Permission::TicketsManageAll,
        Permission::EscalationsManage,
        Permission::CampaignsManage,
        Permission::AuditRead,
        Permission::IntegrationsManage,
        Permission::JobsRead,
    ];

    /// Wire name, e.g. `users.manage`.
    pub fn as_str(self) -> &'static str {
        use Permission::*;
        match self {
            TenantsManage => "tenants.manage",
            StoresManage => "stores.manage",
            StoresRead => "stores.read",
            UsersManage => "users.manage",
            UsersRead => "users.read",
            CustomersRead => "customers.read",
            CustomersWrite => "customers.write",
            CustomersDelete => "customers.delete",
            CustomersErase => "customers.erase",
            CustomersImportExport => "customers.import_export",
            VisitsLog => "visits.log",
            LeadsAssign => "leads.assign",
            CallsWork => "calls.work",
            DealsManage => "deals.manage",
            CatalogManage => "catalog.manage",
            CatalogRead => "catalog.read",
            TasksManage => "tasks.manage",
            AnnouncementsPublish => "announcements.publish",
            ChatUse => "chat.use",
            TicketsCreate => "tickets.create",
            TicketsManageAll => "tickets.manage_all",
            EscalationsManage => "escalations.manage",
            CampaignsManage => "campaigns.manage",
            AuditRead => "audit.read",
            IntegrationsManage => "integrations.manage",
            JobsRead => "jobs.read",
        }
    }
}

/// The role → permission table. `None` means no access.
pub fn grant(role: Role, perm: Permission) -> Option<Scope> {
    use Permission::*;
    use Role::*;
    use Scope::*;
    match (role, perm) {
        (
            PlatformAdmin,
            TenantsManage | TicketsManageAll | AuditRead | AnnouncementsPublish | JobsRead,
        ) => Some(Platform),
        (PlatformAdmin, _) => None,

        (BusinessAdmin, TenantsManage | TicketsManageAll) => None,
        (BusinessAdmin, _) => Some(Tenant),

        (Manager, TenantsManage | StoresManage | CustomersErase | TicketsManageAll) => None,
        (Manager, CampaignsManage | IntegrationsManage | JobsRead) => None,
        (Manager, _) => Some(Store),

        (SalesRep, StoresRead | UsersRead | CustomersRead | CustomersWrite | VisitsLog) => {
            Some(Store)
        }
        (SalesRep, DealsManage | TasksManage | EscalationsManage) => Some(Own),
        (SalesRep, CatalogRead | ChatUse) => Some(Tenant),
        (SalesRep, _) => None,

        (Telecaller, StoresRead | UsersRead) => Some(Store),
        (Telecaller, CustomersRead | CallsWork | TasksManage | EscalationsManage) => Some(Own),
        (Telecaller, CatalogRead | ChatUse) => Some(Tenant),
        (Telecaller, _) => None,

        (Marketing, StoresRead | UsersRead) => Some(Store),
        (Marketing, CustomersImportExport | TasksManage) => Some(Own),
        (Marketing, CatalogRead | ChatUse | CampaignsManage) => Some(Tenant),
        (Marketing, _) => None,
    }
}

/// Permission names a role holds (sent to the web app).
pub fn permissions_of(role: Role) -> Vec<&'static str> {
    Permission::ALL
        .into_iter()
        .filter(|p| grant(role, *p).is_some())
        .map(Permission::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_admin_never_reads_customers() {
        assert_eq!(grant(Role::PlatformAdmin, Permission::CustomersRead), None);
        assert_eq!(
            grant(Role::PlatformAdmin, Permission::TenantsManage),
            Some(Scope::Platform)
        );
    }

    #[test]
    fn user_creation_follows_the_matrix() {
        assert!(!Role::BusinessAdmin.can_manage_role(Role::PlatformAdmin));
        assert!(Role::BusinessAdmin.can_manage_role(Role::Manager));
        assert!(Role::Manager.can_manage_role(Role::Telecaller));
        assert!(!Role::Manager.can_manage_role(Role::Manager));
        assert!(!Role::Manager.can_manage_role(Role::BusinessAdmin));
        for r in [
            Role::SalesRep,
            Role::Telecaller,
            Role::Marketing,
            Role::PlatformAdmin,
        ] {
            assert!(Role::ALL.iter().all(|t| !r.can_manage_role(*t)));
        }
    }

    #[test]
    fn only_admins_and_managers_read_audit() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| grant(*r, Permission::AuditRead).is_some())
            .collect();
        assert_eq!(
            readers,
            vec![Role::PlatformAdmin, Role::BusinessAdmin, Role::Manager]
        );
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
