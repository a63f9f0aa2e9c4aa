import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { RequireAuth, RequirePermission, Splash } from './auth/guards';
import {
  PERMISSIONS,
  canGiveFeedback,
  canImportExport,
  canPublishAnnouncements,
  canReadAccessLog,
  canSeeTickets,
  canSeeTransfers,
  canWorkConsole,
} from './lib/nav';

// Every page is its own chunk: the first load carries only the shell it needs.
const AppShell = lazy(() => import('./components/AppShell').then((m) => ({ default: m.AppShell })));
const LoginPage = lazy(() => import('./pages/auth/LoginPage'));
const ForgotPasswordPage = lazy(() => import('./pages/auth/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('./pages/auth/ResetPasswordPage'));
const HomePage = lazy(() => import('./pages/HomePage'));
const AccountPage = lazy(() => import('./pages/account/AccountPage'));
const SessionsPage = lazy(() => import('./pages/account/SessionsPage'));
const StoresPage = lazy(() => import('./pages/StoresPage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const AuditPage = lazy(() => import('./pages/admin/AuditPage'));
const TenantsPage = lazy(() => import('./pages/platform/TenantsPage'));
const TenantDetailPage = lazy(() => import('./pages/platform/TenantDetailPage'));
const NotificationsPage = lazy(() => import('./notifications/NotificationsPage'));
const NotificationSettingsPage = lazy(() => import('./notifications/NotificationSettingsPage'));
const CustomersPage = lazy(() => import('./pages/customers/CustomersPage'));
const CustomerPage = lazy(() => import('./pages/customers/CustomerPage'));
const NewCustomerPage = lazy(() => import('./pages/customers/CustomerFormPage').then((m) => ({ default: m.NewCustomerPage })));
const EditCustomerPage = lazy(() => import('./pages/customers/CustomerFormPage').then((m) => ({ default: m.EditCustomerPage })));
const TrashPage = lazy(() => import('./pages/customers/TrashPage'));
const LogVisitPage = lazy(() => import('./pages/visits/LogVisitPage'));
const ImportPage = lazy(() => import('./pages/customers/ImportPage'));
const ImportRecordPage = lazy(() => import('./pages/customers/ImportRecordPage'));
const SegmentsPage = lazy(() => import('./pages/segments/SegmentsPage'));
const SegmentPage = lazy(() => import('./pages/segments/SegmentPage'));
const NewSegmentPage = lazy(() => import('./pages/segments/SegmentEditPage').then((m) => ({ default: m.NewSegmentPage })));
const EditSegmentPage = lazy(() => import('./pages/segments/SegmentEditPage').then((m) => ({ default: m.EditSegmentPage })));
const AccessLogPage = lazy(() => import('./pages/admin/AccessLogPage'));
const ConsolePage = lazy(() => import('./pages/telecalling/ConsolePage'));
const TransfersPage = lazy(() => import('./pages/telecalling/TransfersPage'));
const WallboardPage = lazy(() => import('./pages/telecalling/WallboardPage'));
const LeadsPage = lazy(() => import('./pages/telecalling/LeadsPage'));
const LeadPage = lazy(() => import('./pages/telecalling/LeadPage'));
const TelecallingSettingsPage = lazy(() => import('./pages/telecalling/TelecallingSettingsPage'));
const ReportsPage = lazy(() => import('./pages/telecalling/ReportsPage'));
const ChatPage = lazy(() => import('./pages/chat/ChatPage'));
const TicketsPage = lazy(() => import('./pages/tickets/TicketsPage'));
const TicketPage = lazy(() => import('./pages/tickets/TicketPage'));
const NewTicketPage = lazy(() => import('./pages/tickets/NewTicketPage'));
const TicketTemplatesPage = lazy(() => import('./pages/tickets/TemplatesPage'));
const AnnouncementsPage = lazy(() => import('./pages/announcements/AnnouncementsPage'));
const AnnouncementPage = lazy(() => import('./pages/announcements/AnnouncementPage'));
const NewAnnouncementPage = lazy(() => import('./pages/announcements/NewAnnouncementPage'));
const EscalationsPage = lazy(() => import('./pages/escalations/EscalationsPage'));
const EscalationPage = lazy(() => import('./pages/escalations/EscalationPage'));
const NewEscalationPage = lazy(() => import('./pages/escalations/NewEscalationPage'));
const FeedbackPage = lazy(() => import('./pages/feedback/FeedbackPage'));
const SurveyPage = lazy(() => import('./pages/feedback/SurveyPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

const canSeeStores = (p: readonly string[]) => p.includes(PERMISSIONS.storesRead) || p.includes(PERMISSIONS.storesManage);

export function App() {
  return (
    <Suspense fallback={<Splash label="Loading…" />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        {/* A customer's survey: no sign-in, outside the app shell. */}
        <Route path="/survey/:token" element={<SurveyPage />} />
        <Route
          element={
            <RequireAuth>
              <AppShell />
            </RequireAuth>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="account" element={<AccountPage />} />
          <Route path="account/sessions" element={<SessionsPage />} />
          <Route path="account/notifications" element={<NotificationSettingsPage />} />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route
            path="stores"
            element={
              <RequirePermission permission={canSeeStores}>
                <StoresPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers"
            element={
              <RequirePermission permission={PERMISSIONS.customersRead}>
                <CustomersPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/new"
            element={
              <RequirePermission permission={PERMISSIONS.customersWrite}>
                <NewCustomerPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/trash"
            element={
              <RequirePermission permission={PERMISSIONS.customersDelete}>
                <TrashPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/import"
            element={
              <RequirePermission permission={canImportExport}>
                <ImportPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/imports/:id"
            element={
              <RequirePermission permission={canImportExport}>
                <ImportRecordPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/:id"
            element={
              <RequirePermission permission={PERMISSIONS.customersRead}>
                <CustomerPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers/:id/edit"
            element={
              <RequirePermission permission={PERMISSIONS.customersWrite}>
                <EditCustomerPage />
              </RequirePermission>
            }
          />
          <Route
            path="visits/new"
            element={
              <RequirePermission permission={PERMISSIONS.visitsLog}>
                <LogVisitPage />
              </RequirePermission>
            }
          />
          <Route
            path="segments"
            element={
              <RequirePermission permission={PERMISSIONS.campaignsManage}>
                <SegmentsPage />
              </RequirePermission>
            }
          />
          <Route
            path="segments/new"
            element={
              <RequirePermission permission={PERMISSIONS.campaignsManage}>
                <NewSegmentPage />
              </RequirePermission>
            }
          />
          <Route
            path="segments/:id"
            element={
              <RequirePermission permission={PERMISSIONS.campaignsManage}>
                <SegmentPage />
              </RequirePermission>
            }
          />
          <Route
            path="segments/:id/edit"
            element={
              <RequirePermission permission={PERMISSIONS.campaignsManage}>
                <EditSegmentPage />
              </RequirePermission>
            }
          />
          <Route
            path="console"
            element={
              <RequirePermission permission={canWorkConsole}>
                <ConsolePage />
              </RequirePermission>
            }
          />
          <Route
            path="transfers"
            element={
              <RequirePermission permission={canSeeTransfers}>
                <TransfersPage />
              </RequirePermission>
            }
          />
          <Route
            path="wallboard"
            element={
              <RequirePermission permission={PERMISSIONS.leadsAssign}>
                <WallboardPage />
              </RequirePermission>
            }
          />
          <Route
            path="leads"
            element={
              <RequirePermission permission={PERMISSIONS.leadsAssign}>
                <LeadsPage />
              </RequirePermission>
            }
          />
          <Route
            path="leads/:id"
            element={
              <RequirePermission permission={PERMISSIONS.leadsAssign}>
                <LeadPage />
              </RequirePermission>
            }
          />
          <Route
            path="telecalling/settings"
            element={
              <RequirePermission permission={PERMISSIONS.leadsAssign}>
                <TelecallingSettingsPage />
              </RequirePermission>
            }
          />
          <Route
            path="telecalling/reports"
            element={
              <RequirePermission permission={PERMISSIONS.leadsAssign}>
                <ReportsPage />
              </RequirePermission>
            }
          />
          <Route
            path="chat/:channelId?"
            element={
              <RequirePermission permission={PERMISSIONS.chatUse}>
                <ChatPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/access-log"
            element={
              <RequirePermission permission={canReadAccessLog}>
                <AccessLogPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/users"
            element={
              <RequirePermission permission={PERMISSIONS.usersManage}>
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/audit"
            element={
              <RequirePermission permission={PERMISSIONS.auditRead}>
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="platform/tenants"
            element={
              <RequirePermission permission={PERMISSIONS.tenantsManage}>
                <TenantsPage />
              </RequirePermission>
            }
          />
          <Route
            path="platform/tenants/:id"
            element={
              <RequirePermission permission={PERMISSIONS.tenantsManage}>
                <TenantDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="tickets"
            element={
              <RequirePermission permission={canSeeTickets}>
                <TicketsPage />
              </RequirePermission>
            }
          />
          <Route
            path="tickets/new"
            element={
              <RequirePermission permission={PERMISSIONS.ticketsCreate}>
                <NewTicketPage />
              </RequirePermission>
            }
          />
          <Route
            path="tickets/templates"
            element={
              <RequirePermission permission={PERMISSIONS.ticketsManageAll}>
                <TicketTemplatesPage />
              </RequirePermission>
            }
          />
          <Route
            path="tickets/:id"
            element={
              <RequirePermission permission={canSeeTickets}>
                <TicketPage />
              </RequirePermission>
            }
          />
          <Route path="announcements" element={<AnnouncementsPage />} />
          <Route
            path="announcements/new"
            element={
              <RequirePermission permission={canPublishAnnouncements}>
                <NewAnnouncementPage />
              </RequirePermission>
            }
          />
          <Route path="announcements/:id" element={<AnnouncementPage />} />
          <Route
            path="escalations"
            element={
              <RequirePermission permission={PERMISSIONS.escalationsManage}>
                <EscalationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="escalations/new"
            element={
              <RequirePermission permission={PERMISSIONS.escalationsManage}>
                <NewEscalationPage />
              </RequirePermission>
            }
          />
          <Route
            path="escalations/:id"
            element={
              <RequirePermission permission={PERMISSIONS.escalationsManage}>
                <EscalationPage />
              </RequirePermission>
            }
          />
          <Route
            path="feedback"
            element={
              <RequirePermission permission={canGiveFeedback}>
                <FeedbackPage />
              </RequirePermission>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
