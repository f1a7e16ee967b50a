// The language a request is answered in: `lang` in the query (the live
// stream and a CSV link, which cannot set headers), else Accept-Language (the
// dashboard sends the page's), else English.
import type { FastifyRequest } from 'fastify';
import { languageOfHeader, languageOfTag, type Language } from '../i18n/languages.js';
import { translator, type Translate } from '../i18n/translate.js';

export function requestLanguage(request: FastifyRequest): Language {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang;
  return (typeof lang === 'string' ? languageOfTag(lang) : undefined) ?? languageOfHeader(request.headers['accept-language']) ?? 'en';
}

export function requestTranslator(request: FastifyRequest): Translate {
  return translator(requestLanguage(request));
}
