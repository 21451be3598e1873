import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from './config/env.js';
import type { Database } from './db/client.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthUserCache, type ApiKeyVerifier } from './modules/auth/auth.plugin.js';
import { AuthService } from './modules/auth/auth.service.js';
import { TokenService } from './modules/auth/tokens.js';
import { CatalogsService } from './modules/catalogs/catalogs.service.js';
import { AppointmentsService } from './modules/appointments/appointments.service.js';
import { AttentionsService } from './modules/attentions/attentions.service.js';
import { FhirService } from './modules/fhir/fhir.service.js';
import { ClinicalItemsService } from './modules/attentions/clinical-items.service.js';
import { AttachmentContentService } from './modules/attachments/attachment-content.js';
import { AttachmentsService } from './modules/attachments/attachments.service.js';
import { attachmentsRepository } from './modules/attachments/attachments.repository.js';
import { PricesService } from './modules/appointments/prices.service.js';
import { BillingService } from './modules/billing/billing.service.js';
import { ConsentsService } from './modules/consents/consents.service.js';
import { DocumentsService } from './modules/documents/documents.service.js';
import { PharmacovigilanceService } from './modules/pharmacovigilance/pharmacovigilance.service.js';
import { loadSigningMaterial } from './modules/signature/certificate.js';
import { SignatureService } from './modules/signature/signature.service.js';
import { createDocumentSigner } from './modules/signature/signer.js';
import { ServiceTypesService } from './modules/appointments/service-types.service.js';
import { PatientsService } from './modules/patients/patients.service.js';
import { PatientRightsService } from './modules/patients/patient-rights.service.js';
import { EpidemiologyService } from './modules/reports/epidemiology.service.js';
import { HisService } from './modules/reports/his.service.js';
import { NotifiableDiseasesService } from './modules/reports/notifiable-diseases.service.js';
import { RenhiceService } from './modules/reports/renhice.service.js';
import { SusaludService } from './modules/reports/susalud.service.js';
import { metricsTelemetry } from './modules/integrations/http/proxy-support.js';
import { LisService } from './modules/integrations/lis/lis.service.js';
import { PacsService } from './modules/integrations/pacs/pacs.service.js';
import { SalesWebhookService } from './modules/integrations/billing/billing.service.js';
import { IntegrationClientsService } from './modules/integrations/clients/clients.service.js';
import { OutboxService } from './modules/integrations/outbox/outbox.service.js';
import { PatientSummaryService } from './modules/patients/summary.service.js';
import type { Metrics } from './plugins/metrics.js';
import { UsersService } from './modules/users/users.service.js';
import { Keyring } from './shared/crypto/keyring.js';
import { createMailer, type Mailer } from './shared/mailer.js';
import { MemoryRateLimitStore, RateLimiter, type RateLimitStore } from './shared/rate-limit.js';
import { createFileStorage } from './shared/storage/create-storage.js';
import type { FileStorage } from './shared/storage/storage.js';
import { RedisRateLimitStore } from './shared/rate-limit-redis.js';

export interface Services {
  keyring: Keyring;
  tokens: TokenService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  users: UsersService;
  authUsers: AuthUserCache;
  auth: AuthService;
  catalogs: CatalogsService;
  patients: PatientsService;
  /** PACS proxy (RF7.2); studies(row) for the patient summary. */
  pacs: PacsService;
  /** LIS proxy (RF7.3); results(row) for the patient summary. */
  lis: LisService;
  serviceTypes: ServiceTypesService;
  appointments: AppointmentsService;
  attentions: AttentionsService;
  clinicalItems: ClinicalItemsService;
  fhir: FhirService;
  /** Attachment file store (local disk or S3), encrypted client-side. */
  storage: FileStorage;
  attachments: AttachmentsService;
  attachmentContent: AttachmentContentService;
  /** Ley 29733 access log and complete export of a patient's record. */
  patientRights: PatientRightsService;
  /** Notifiable-disease cases (opened by diagnoses) and the NotiWeb workflow. */
  epidemiology: EpidemiologyService;
  notifiableDiseases: NotifiableDiseasesService;
  susalud: SusaludService;
  his: HisService;
  /** RENHICE export queue (filled when an attention is finalized). */
  renhice: RenhiceService;
  /** Tariff with validity periods; keeps service_types.precio on the price in force. */
  prices: PricesService;
  /** Signs finalized attentions (detached JWS) and printed PDFs with the configured certificate. */
  signatures: SignatureService;
  /** Data-processing consent (Ley 29733) and clinical informed consent. */
  consents: ConsentsService;
  pharmacovigilance: PharmacovigilanceService;
  /** Printed formats (receta, informe) and their public verification codes. */
  documents: DocumentsService;
  billing: BillingService;
  /** API keys of the systems that call the HCE (billing); also the X-API-Key verifier. */
  integrationClients: IntegrationClientsService;
  /** Transactional outbox of events for the billing system, and its dispatcher. */
  outbox: OutboxService;
  /** RF7.1 sales webhook from the billing system (POST /integracion/venta-servicio). */
  salesWebhook: SalesWebhookService;
  /** The doctor's unified patient view (GET /patients/{id}/summary). */
  patientSummary: PatientSummaryService;
  /** Set by the integrations module; verifies X-API-Key. */
  apiKeyVerifier?: ApiKeyVerifier;
}

export interface ContainerOptions {
  config: AppConfig;
  database: Database;
  logger: Logger;
  rateLimitStore?: RateLimitStore;
  mailer?: Mailer;
  /** Integration calls are counted here (the app's Prometheus registry). */
  metrics?: Metrics;
}

/** Builds every service once; modules get them through app.ctx.services. */
export function createServices(options: ContainerOptions): Services {
  const { config, database, logger } = options;
  const db = database.db;
  const keyring = new Keyring(config.HCE_DATA_KEY!, config.HCE_DATA_KEYS_OLD);
  const tokens = new TokenService(config.JWT_SECRET!, config.JWT_ACCESS_TTL_SECONDS);
  const audit = new AuditService(db, logger);
  const store = options.rateLimitStore ?? (config.REDIS_URL ? new RedisRateLimitStore(config.REDIS_URL) : new MemoryRateLimitStore());
  const rateLimiter = new RateLimiter(store, (error) => logger.error({ err: error }, 'rate-limit store unavailable; allowing request (account lockout still applies)'));
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: join(config.HCE_DATA_DIR, 'outbox') });
  const users = new UsersService(db, audit, keyring, config.BCRYPT_COST);
  const authUsers = new AuthUserCache(db, 5000);
  const auth = new AuthService(db, config, tokens, audit, users, rateLimiter, mailer, logger, (id) => authUsers.invalidate(id));
  const catalogs = new CatalogsService(db, audit);
  const patients = new PatientsService(db, audit, keyring, config);
  const integrationDeps = { db, config, logger, audit, patients, telemetry: metricsTelemetry(options.metrics) };
  const pacs = new PacsService(integrationDeps);
  const lis = new LisService(integrationDeps);
  const serviceTypes = new ServiceTypesService(db, audit);
  const appointments = new AppointmentsService(db, audit, patients, users, serviceTypes, config);
  const attentions = new AttentionsService(db, audit, patients, users, appointments);
  const clinicalItems = new ClinicalItemsService(db, audit, attentions, patients, catalogs, users);
  const storage = createFileStorage(config);
  const attachments = new AttachmentsService(db, audit, attentions, keyring, storage, logger, { maxBytes: config.ATTACHMENT_MAX_BYTES, signedUrlTtlSeconds: config.SIGNED_URL_TTL_SECONDS });
  const attachmentContent = new AttachmentContentService(db, audit, attentions, keyring, storage, authUsers, logger, options.metrics?.registry);
  const patientRights = new PatientRightsService(db, audit, patients, appointments, attentions, config);
  const epidemiology = new EpidemiologyService(db, audit, patients, users, catalogs, clinicalItems);
  const notifiableDiseases = new NotifiableDiseasesService(db, audit, catalogs);
  const susalud = new SusaludService(db, audit, catalogs, config);
  const his = new HisService(db, audit, patients, users, config);
  const renhice = new RenhiceService(db, audit, attentions, patients);
  const prices = new PricesService(db, audit, logger);
  const signatures = new SignatureService(db, audit, attentions, createDocumentSigner(loadSigningMaterial(config)));
  const consents = new ConsentsService(db, audit, patients, attentions, config);
  consents.setAttachmentLookup(async (tx, id) => attachmentsRepository.findById(tx, id));
  const pharmacovigilance = new PharmacovigilanceService(db, audit, attentions, patients, catalogs, users, config);
  const documents = new DocumentsService(db, audit, attentions, signatures, consents, pharmacovigilance, rateLimiter, config);
  const billing = new BillingService(db, audit, patients, users, serviceTypes, prices, config);
  patientRights.addExportSection('consentimientos', (db, patientId) => consents.exportFor(db, patientId));
  patientRights.addExportSection('reaccionesAdversas', (db, patientId) => pharmacovigilance.exportFor(db, patientId));
  const integrationClients = new IntegrationClientsService(db, audit, logger);
  const outbox = new OutboxService({ db, config, logger, keyring, audit, appointments, attentions, patients, users, serviceTypes });
  const salesWebhook = new SalesWebhookService({ db, audit, logger, patients, appointments, users, serviceTypes, outbox });
  const patientSummary = new PatientSummaryService({ db, logger, audit, patients, attentions, appointments, pacs, lis });
  const fhir = new FhirService(db, audit, patients, users, appointments, attentions, `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/fhir`);
  return { keyring, tokens, audit, rateLimiter, mailer, users, authUsers, auth, catalogs, patients, pacs, lis, serviceTypes, appointments, attentions, clinicalItems, storage, attachments, attachmentContent, patientRights, epidemiology, notifiableDiseases, susalud, his, renhice, prices, signatures, consents, pharmacovigilance, documents, billing, integrationClients, outbox, salesWebhook, patientSummary, apiKeyVerifier: (key) => integrationClients.verify(key), fhir };
}
