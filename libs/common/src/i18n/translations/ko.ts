import { Translations } from './en';

export const ko: Translations = {
  problems: {
    'validation-error': { title: '잘못된 요청 파라미터', detail: '요청의 필드 {count}개가 올바르지 않습니다.' },
    'malformed-json': { title: '잘못된 JSON 본문', detail: '요청 본문을 JSON으로 해석할 수 없습니다.' },
    'invalid-cursor': { title: '잘못된 커서', detail: '커서가 올바르지 않거나 변조되었거나 다른 목록의 것입니다. 첫 페이지부터 다시 요청하세요.' },
    'bad-request': { title: '잘못된 요청', detail: '요청을 이해할 수 없습니다.' },
    unauthorized: { title: '인증 필요', detail: '유효한 자격 증명이 필요합니다.' },
    forbidden: { title: '접근 거부', detail: '이 작업에는 {scope} 스코프가 필요합니다.' },
    'route-not-found': { title: '경로를 찾을 수 없음', detail: '{method} {path}에 해당하는 작업이 없습니다.' },
    'resource-not-found': { title: '리소스를 찾을 수 없음', detail: '{resource} {id}을(를) 찾을 수 없습니다.' },
    'method-not-allowed': { title: '허용되지 않는 메서드', detail: '이 경로에서는 {method}를 사용할 수 없습니다. 허용: {allowed}.' },
    conflict: { title: '충돌', detail: '같은 {fields}을(를) 가진 {resource}이(가) 이미 있습니다.' },
    'precondition-failed': { title: '사전 조건 실패', detail: '리소스가 변경되었습니다. If-Match 버전은 {expected}, 현재 버전은 {current}입니다.' },
    'payload-too-large': { title: '요청 본문이 너무 큼', detail: '요청 본문이 {limit_bytes}바이트를 초과합니다.' },
    'unsupported-media-type': { title: '지원하지 않는 미디어 타입', detail: 'Content-Type {content_type}은(는) 지원하지 않습니다. application/json으로 보내세요.' },
    'unprocessable-entity': { title: '처리할 수 없는 요청', detail: '요청 형식은 올바르지만 처리할 수 없습니다.' },
    'rate-limited': { title: '요청이 너무 많음', detail: '요청이 너무 많습니다. {retry_after}초 후에 다시 시도하세요.' },
    'internal-error': { title: '내부 서버 오류', detail: '예기치 않은 오류가 발생했습니다. 신고 시 요청 ID {request_id}를 알려 주세요.' },
    'service-unavailable': { title: '서비스를 사용할 수 없음', detail: '서비스의 의존 대상을 사용할 수 없습니다. 나중에 다시 시도하세요.' },
  },
  validation: {
    required: '{field}은(는) 필수입니다.',
    type: '{field}의 타입이 올바르지 않습니다.',
    format: '{field}의 형식이 올바르지 않습니다.',
    range: '{field}이(가) 허용 범위를 벗어났습니다.',
    length: '{field}의 길이가 올바르지 않습니다.',
    enum: '{field}은(는) 허용된 값 중 하나여야 합니다.',
    unknown: '{field}은(는) 알 수 없는 필드입니다.',
    invalid: '{field}이(가) 올바르지 않습니다.',
  },
  messages: { ok: '성공', created: '생성됨', list: '성공' },
};
