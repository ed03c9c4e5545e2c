import { jsonResponse } from '@basis/shared/http/api-response';

export const handler = async () => jsonResponse(200, { status: 'ok' });
