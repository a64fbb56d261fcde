import { Translations } from './en';

export const zh: Translations = {
  problems: {
    'validation-error': { title: '请求参数无效', detail: '请求中有 {count} 个字段无效。' },
    'malformed-json': { title: 'JSON 请求体格式错误', detail: '无法将请求体解析为 JSON。' },
    'invalid-cursor': { title: '无效的游标', detail: '游标无效、已被篡改或属于其他列表。请重新请求第一页。' },
    'bad-request': { title: '错误的请求', detail: '无法理解该请求。' },
    unauthorized: { title: '需要身份验证', detail: '需要有效的凭据。' },
    forbidden: { title: '拒绝访问', detail: '此操作需要 {scope} 权限范围。' },
    'route-not-found': { title: '路由不存在', detail: '{method} {path} 上没有可用的操作。' },
    'resource-not-found': { title: '资源不存在', detail: '未找到 {resource} {id}。' },
    'method-not-allowed': { title: '不允许的方法', detail: '此路径不允许 {method}；允许的方法：{allowed}。' },
    conflict: { title: '冲突', detail: '已存在具有相同 {fields} 的 {resource}。' },
    'precondition-failed': { title: '前提条件失败', detail: '资源已更改：If-Match 指定的版本为 {expected}，当前版本为 {current}。' },
    'payload-too-large': { title: '请求体过大', detail: '请求体超过 {limit_bytes} 字节。' },
    'unsupported-media-type': { title: '不支持的媒体类型', detail: '此处不支持 Content-Type {content_type}；请发送 application/json。' },
    'unprocessable-entity': { title: '无法处理的请求', detail: '请求格式正确，但无法处理。' },
    'rate-limited': { title: '请求过多', detail: '请求过多；请在 {retry_after} 秒后重试。' },
    'internal-error': { title: '服务器内部错误', detail: '发生意外错误。报告时请提供请求 ID {request_id}。' },
    'service-unavailable': { title: '服务不可用', detail: '服务的某个依赖不可用；请稍后重试。' },
  },
  validation: {
    required: '{field} 为必填项。',
    type: '{field} 的类型错误。',
    format: '{field} 的格式无效。',
    range: '{field} 超出允许范围。',
    length: '{field} 的长度无效。',
    enum: '{field} 必须是允许的值之一。',
    unknown: '{field} 不是已知字段。',
    invalid: '{field} 无效。',
  },
  messages: { ok: '成功', created: '已创建', list: '成功' },
};
