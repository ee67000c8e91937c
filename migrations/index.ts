import type { Knex } from 'knex';
import * as m001 from './20261124_001_foundation';
import * as m002 from './20261124_002_applications';
import * as m003 from './20261124_003_outbox';
import * as mAttemptCounters from './20261125_020_attempt_counters';
import * as mBulkUpload from './20261125_040_bulk_upload';
import * as mApprovalRequest from './20261126_090_approval_request';
import * as mApprovalQueue from './20261126_110_approval_queue';
import * as mSignature from './20261126_100_signature';
import * as mTrackingIndexes from './20261126_135_tracking_indexes';
import * as mEmailTemplateOverride from './20261127_140_email_template_override';
import * as mFormVersion from './20261127_141_form_version';
import * as mDigestIndex from './20261127_142_digest_index';
import * as mApplicationCounts from './20261127_150_application_counts';
import * as mQueueDateIndex from './20261127_151_queue_date_index';
import * as mApplicationCountCover from './20261127_152_application_count_cover';
import * as mHelpEntry from './20261207_600_help_entry';
import * as mInformationRequests from './20261207_750_information_requests';
import * as mComplaints from './20261207_700_complaints';
import * as mApplicationSearch from './20261207_800_application_search';
import * as mApprovalDeadline from './20261207_900_approval_deadline';
import * as mOutboxExpiryInstallation from './20261128_160_outbox_expiry_installation';
import * as mIssuerStatusRetention from './20261207_500_issuer_status_retention';
import * as mOutboxSentIndex from './20261208_610_outbox_sent_index';
import * as mTransmission from './20261207_400_transmission';
import * as mAbsence from './20261207_950_absence';
import * as mComplaintThreads from './20261208_700_complaint_threads';
import * as mTrackingCharts from './20261209_100_tracking_charts';
import * as mDataVersion from './20261209_200_data_version';
import * as mCountVersions from './20261210_100_count_versions';
import * as mQueueKeyIndexes from './20261210_200_queue_key_indexes';
import * as mSqliteCountsVersion from './20261210_300_sqlite_counts_version';
import * as mFormBlocks from './20261125_070_form_documents_terms_signature';
import * as mJobRun from './20261124_020_job_run';
import * as mAuditLog from './20261124_021_audit_log';

/**
 * The migrations, listed explicitly so the same list runs from TypeScript (tests, tsx) and from the compiled build.
 * Add a new migration file and one line here; never edit a migration that has shipped.
 */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261124_001_foundation': m001,
  '20261124_002_applications': m002,
  '20261124_003_outbox': m003,
  '20261125_020_attempt_counters': mAttemptCounters,
  '20261125_040_bulk_upload': mBulkUpload,
  '20261126_090_approval_request': mApprovalRequest,
  '20261126_110_approval_queue': mApprovalQueue,
  '20261126_100_signature': mSignature,
  '20261126_135_tracking_indexes': mTrackingIndexes,
  '20261125_070_form_documents_terms_signature': mFormBlocks,
  '20261124_020_job_run': mJobRun,
  '20261124_021_audit_log': mAuditLog,
  '20261127_140_email_template_override': mEmailTemplateOverride,
  '20261127_141_form_version': mFormVersion,
  '20261127_142_digest_index': mDigestIndex,
  '20261127_150_application_counts': mApplicationCounts,
  '20261127_151_queue_date_index': mQueueDateIndex,
  '20261127_152_application_count_cover': mApplicationCountCover,
  '20261207_600_help_entry': mHelpEntry,
  '20261207_750_information_requests': mInformationRequests,
  '20261207_700_complaints': mComplaints,
  '20261207_800_application_search': mApplicationSearch,
  '20261207_900_approval_deadline': mApprovalDeadline,
  '20261128_160_outbox_expiry_installation': mOutboxExpiryInstallation,
  '20261207_500_issuer_status_retention': mIssuerStatusRetention,
  '20261208_610_outbox_sent_index': mOutboxSentIndex,
  '20261207_400_transmission': mTransmission,
  '20261207_950_absence': mAbsence,
  '20261208_700_complaint_threads': mComplaintThreads,
  '20261209_100_tracking_charts': mTrackingCharts,
  '20261209_200_data_version': mDataVersion,
  '20261210_100_count_versions': mCountVersions,
  '20261210_200_queue_key_indexes': mQueueKeyIndexes,
  '20261210_300_sqlite_counts_version': mSqliteCountsVersion,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name] as Knex.Migration,
};
