import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';
import { errorText } from './error-text';

/** Shows a failed call's error in the staff member's words (see {@link errorText}). */
export function showError(error: unknown): void {
  const { global } = i18n;
  ElMessage({ type: 'error', message: errorText(error, global.t, (key) => global.te(key)), duration: 6000, showClose: true, grouping: true });
}

export function showSuccess(message: string): void {
  ElMessage({ type: 'success', message, duration: 2000 });
}
