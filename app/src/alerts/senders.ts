import type { Config } from '../config.ts';
import { createMailSender, type MailSender } from '../integrations/email/sender.ts';
import { createHttpClient, type HttpClient } from '../integrations/http.ts';

/** The outbound clients every send uses, built from the configuration. */
export interface Senders {
  readonly http: HttpClient;
  readonly mail: MailSender;
  close(): void;
}

/** HTTP with the address guard of INTEGRATIONS_*, and SMTP from EMAIL_*. */
export function createSenders(config: Config): Senders {
  const http = createHttpClient({
    allowPrivateIps: config.integrations.allowPrivateIps,
    allowedNetworks: config.integrations.allowedNetworks,
  });
  const mail = createMailSender(config.email);
  return {
    http,
    mail,
    close() {
      http.close();
      mail.close();
    },
  };
}
