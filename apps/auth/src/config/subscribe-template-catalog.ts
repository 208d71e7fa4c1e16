import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AuthEnv } from './auth-env';
import { parseSubscribeTemplates, SubscribeMessageKind, SubscribeTemplate } from './subscribe-templates';

/** The subscribe-message templates configured in WECHAT_SUBSCRIBE_TEMPLATES (checked when the environment was loaded). */
@Injectable()
export class SubscribeTemplateCatalog {
  private readonly byKind = new Map<SubscribeMessageKind, SubscribeTemplate>();
  private readonly ids = new Set<string>();

  constructor(@Inject(APP_CONFIG) config: AuthEnv) {
    const { templates, problems } = parseSubscribeTemplates(config.WECHAT_SUBSCRIBE_TEMPLATES);
    if (problems.length) throw new Error(problems.join('; '));
    for (const template of templates) {
      this.byKind.set(template.kind, template);
      this.ids.add(template.templateId);
    }
  }

  /** The template of a message kind; undefined when that message is not configured (it is then never sent). */
  of(kind: SubscribeMessageKind): SubscribeTemplate | undefined {
    return this.byKind.get(kind);
  }

  has(templateId: string): boolean {
    return this.ids.has(templateId);
  }

  templateIds(): string[] {
    return [...this.ids];
  }
}
