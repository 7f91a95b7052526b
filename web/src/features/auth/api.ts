import { apiRequest, jsonBody } from '@/shared/apiClient';
import type { Role, SessionInfo, TokenSummary, UserSummary } from './types';

type SignedIn = { user: UserSummary };

export const authApi = {
  session: () => apiRequest<SessionInfo>('/api/auth/session'),
  login: (username: string, password: string) =>
    apiRequest<SignedIn>('/api/auth/login', { method: 'POST', body: jsonBody({ username, password }) }),
  logout: () => apiRequest<{ signedOut: true }>('/api/auth/logout', { method: 'POST' }),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<SignedIn>('/api/auth/password', {
      method: 'POST',
      body: jsonBody({ currentPassword, newPassword }),
    }),
  users: () => apiRequest<{ users: UserSummary[] }>('/api/auth/users').then((r) => r.users),
  addUser: (username: string, role: Role) =>
    apiRequest<{ user: UserSummary; oneTimePassword: string }>('/api/auth/users', {
      method: 'POST',
      body: jsonBody({ username, role }),
    }),
  updateUser: (id: number, patch: { role?: Role; disabled?: boolean; resetPassword?: true }) =>
    apiRequest<{ user: UserSummary; oneTimePassword?: string }>(`/api/auth/users/${id}`, {
      method: 'PATCH',
      body: jsonBody(patch),
    }),
  tokens: () => apiRequest<{ tokens: TokenSummary[] }>('/api/auth/tokens').then((r) => r.tokens),
  createToken: (input: { userId?: number; name: string; expiresInDays?: number }) =>
    apiRequest<{ token: string; info: TokenSummary }>('/api/auth/tokens', { method: 'POST', body: jsonBody(input) }),
  revokeToken: (id: number) => apiRequest<{ token: TokenSummary }>(`/api/auth/tokens/${id}`, { method: 'DELETE' }),
};
