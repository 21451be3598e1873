import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { attentionSignatureSchema } from './signature.schemas.js';

export async function signatureRoutes(app: AppInstance): Promise<void> {
  const { signatures } = app.ctx.services;
  app.get('/api/v1/medical_attentions/:id/signature', {
    config: { permission: 'attentions:read' },
    schema: {
      tags: ['historia clínica'], summary: 'Firma digital de la atención finalizada (JWS desacoplado sobre el sello, certificado, hora de firma y verificación)',
      params: uuidParam('id'), response: { 200: attentionSignatureSchema, ...errorResponses },
    },
  }, async (request) => signatures.get(actorFrom(request), request.params.id));
}
