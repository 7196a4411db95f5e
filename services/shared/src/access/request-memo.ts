/**
 * What a service's rules look up about one caller, looked up once per Repository (i.e. per
 * request): the Audience, the Redactions and the handler itself ask the same questions (who is
 * this caller to the program, whose records do they see), and each answer is one query. Held by
 * the Repository and handed to its rules; a handler reaches it as `repo.memo`. It lives no longer
 * than the request, so an answer is never older than the request that asked it.
 */
export class RequestMemo {
  private readonly answers = new Map<string, Promise<unknown>>();

  /** The answer to `question`, looked up by `lookUp` the first time it is asked. */
  once<T>(question: string, lookUp: () => Promise<T>): Promise<T> {
    let answer = this.answers.get(question) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = lookUp();
      this.answers.set(question, answer);
    }
    return answer;
  }
}
